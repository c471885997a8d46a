import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { after, before, test } from 'node:test'
import { demoApp } from '../../examples/demo/app.ts'
import { DbscBrowser, DeviceKeyPair } from '../fixtures/dbsc-client.ts'

let child: ChildProcess
let base = ''

before(async () => {
  child = spawn(process.execPath, ['--import', 'tsx', 'examples/demo/node.ts'], {
    env: { ...process.env, PORT: '0', SESSION_SECRET: 'a-demo-secret-for-the-test-suite-only!' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  base = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk
      const port = /localhost:(\d+)/.exec(out)?.[1]
      if (port) resolve(`http://127.0.0.1:${port}`)
    })
    child.on('exit', (code) => reject(new Error(`demo exited with ${code}: ${out}`)))
  })
})

after(() => {
  child.kill()
})

function cookieFrom(response: Response, jar: string): string {
  const line = response.headers.getSetCookie()[0]
  if (line === undefined) return jar
  const pair = line.split(';')[0]!
  return /Max-Age=0/.test(line) ? '' : pair
}

test('npm start serves the demo: count, log in, flash once, log out', async () => {
  const get = (jar: string) => fetch(`${base}/`, { headers: jar ? { cookie: jar } : {} })
  const post = (path: string, jar: string, body?: URLSearchParams) =>
    fetch(`${base}${path}`, { method: 'POST', body, redirect: 'manual', headers: { cookie: jar } })

  let response = await get('')
  let jar = cookieFrom(response, '')
  let html = await response.text()
  assert.match(html, /id="visits">1</)
  assert.match(html, /name="user"/)
  assert.match(jar, /^__Host-session=/)

  response = await post('/login', jar, new URLSearchParams({ user: 'Ada <script>' }))
  assert.equal(response.status, 303)
  const loggedIn = cookieFrom(response, jar)
  assert.notEqual(loggedIn, jar, 'login issues a fresh token')
  jar = loggedIn

  response = await get(jar)
  jar = cookieFrom(response, jar)
  html = await response.text()
  assert.match(html, /Welcome, Ada &#60;script&#62;!/)
  assert.match(html, /id="user">Ada &#60;script&#62;</)
  assert.match(html, /id="visits">2</)
  assert.doesNotMatch(html, /<script>/)

  response = await get(jar)
  jar = cookieFrom(response, jar)
  html = await response.text()
  assert.doesNotMatch(html, /id="notice"/)
  assert.match(html, /id="visits">3</)

  response = await post('/logout', jar)
  assert.equal(response.status, 303)
  assert.match(response.headers.get('set-cookie') ?? '', /^__Host-session=; Max-Age=0/)
  html = await (await get('')).text()
  assert.match(html, /id="visits">1</)
  assert.match(html, /name="user"/)
})

test('the demo says when a session is bound to this device, and only then', async () => {
  const secret = 'a-demo-secret-for-the-test-suite-only!'
  const deviceBound = { secrets: 'a-demo-binding-secret-for-the-test-suite' }
  const browser = new DbscBrowser(demoApp({ secret, deviceBound }), await DeviceKeyPair.generate())
  const body = new URLSearchParams({ user: 'Ada' })
  const login = await browser.fetch('/login', { method: 'POST', body })
  assert.equal((await browser.register(login)).status, 200)
  assert.match(await (await browser.fetch('/')).text(), /id="bound">This session is bound to this/)
  // npm start over http://localhost, where Chromium ignores DBSC: no binding is offered.
  const plain = await fetch(`${base}/login`, { method: 'POST', body, redirect: 'manual' })
  assert.equal(plain.headers.get('secure-session-registration'), null)
  const jar = cookieFrom(plain, '')
  const page = await (await fetch(`${base}/`, { headers: { cookie: jar } })).text()
  assert.match(page, /id="user">Ada</)
  assert.doesNotMatch(page, /id="bound"/)
})
