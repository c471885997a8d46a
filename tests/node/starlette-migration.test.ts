/**
 * `npm run example:starlette-migration` starts the Starlette app and the fetch-session app behind
 * one origin; a user logs in on one side and the other side sees it, over real HTTP. (The codec's
 * byte-level interop with itsdangerous is tested in starlette-interop.test.ts.) Needs
 * /usr/bin/python3 with starlette, uvicorn and python-multipart; with CI=true their absence fails
 * the run. The last test clicks through both services in Chromium (browser.test.ts insists on
 * Chromium in CI).
 */
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { chromiumMissing, launchBrowser } from '../fixtures/browser/harness.ts'
import { INSTALL, skipUnless } from '../fixtures/requirements.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))
const probe = spawnSync('/usr/bin/python3', [
  '-c',
  'import starlette, itsdangerous, uvicorn, multipart',
])
const missing = skipUnless(
  probe.status === 0,
  'Python 3 with starlette, itsdangerous, uvicorn and python-multipart',
  INSTALL.migration,
)

test('the Python stack for the migration example is installed', (t) => {
  if (missing === undefined) return
  assert.notEqual(process.env.CI, 'true', missing)
  t.skip(missing)
})

/** The browser's part: one `session` cookie, cleared the way either side clears it. */
class Jar {
  cookie = ''
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const pair = line.slice(0, line.indexOf(';'))
      assert.ok(pair.startsWith('session='), line)
      assert.match(line, /;\s*path=\//i)
      assert.match(line, /;\s*samesite=lax/i)
      assert.doesNotMatch(line, /;\s*secure/i)
      const cleared = /max-age=0|expires=thu, 01 jan 1970/i.test(line)
      this.cookie = cleared ? '' : pair
    }
  }
}

describe('the Starlette migration example', { skip: missing }, () => {
  let base = ''
  let stop: () => Promise<void> = async () => {}

  before(async () => {
    // Detached, so that stopping its process group stops npm, Node and uvicorn together.
    const child = spawn('npm', ['run', '--silent', 'example:starlette-migration'], {
      cwd: root,
      detached: true,
      env: { ...process.env, PORT: '0', SESSION_SECRET_KEY: 'a secret_key the two sides share' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    stop = async () => {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM')
      await exited
    }
    let output = ''
    base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL within 30 s:\n${output}`)), 30_000)
      const read = (chunk: Buffer) => {
        output += chunk
        const url = /http:\/\/127\.0\.0\.1:\d+/.exec(output)
        if (url) {
          clearTimeout(timer)
          resolve(url[0])
        }
      }
      child.stdout!.on('data', read)
      child.stderr!.on('data', read)
      child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)))
    })
  })

  after(() => stop())

  async function call(jar: Jar, path: string, form?: Record<string, string>): Promise<Response> {
    const response = await fetch(`${base}${path}`, {
      method: form === undefined ? 'GET' : 'POST',
      headers: jar.cookie ? { cookie: jar.cookie } : {},
      body: form === undefined ? undefined : new URLSearchParams(form),
      redirect: 'manual',
    })
    jar.take(response)
    return response
  }

  async function session(jar: Jar, path: string): Promise<unknown> {
    const response = await call(jar, path)
    assert.equal(response.status, 200)
    return response.json()
  }

  test('logged in by Starlette, the fetch-session side reads and changes the session', async () => {
    const jar = new Jar()
    const login = await call(jar, '/login', { user: 'Zoë' })
    assert.equal(login.status, 303)
    assert.equal(login.headers.get('server'), 'uvicorn', 'Python answered /login')
    assert.ok(jar.cookie, 'Starlette set the session cookie')

    assert.deepEqual(await session(jar, '/v2/api/session'), { user: 'Zoë' })
    const page = await (await call(jar, '/v2/')).text()
    assert.match(page, /id="user">Zoë</)

    assert.equal((await call(jar, '/v2/cart', { item: 'green tea' })).status, 303)
    assert.equal((await call(jar, '/v2/cart', { item: '東京 map' })).status, 303)
    const cart = { user: 'Zoë', cart: ['green tea', '東京 map'] }
    assert.deepEqual(await session(jar, '/api/session'), cart, 'Python sees the cart')
    assert.match(await (await call(jar, '/')).text(), /Your cart has 2 item/)

    const logout = await call(jar, '/v2/logout', {})
    assert.equal(logout.headers.get('location'), `${base}/`)
    assert.equal(jar.cookie, '', 'fetch-session cleared the cookie')
    assert.deepEqual(await session(jar, '/api/session'), {})
  })

  test('logged in by fetch-session, Starlette reads the session and logs out', async () => {
    const jar = new Jar()
    assert.equal((await call(jar, '/v2/login', { user: 'grace' })).status, 303)
    assert.equal((await call(jar, '/v2/cart', { item: 'compiler' })).status, 303)
    const data = { user: 'grace', cart: ['compiler'] }
    assert.deepEqual(await session(jar, '/api/session'), data)
    assert.match(await (await call(jar, '/')).text(), /id="user">grace</)

    assert.equal((await call(jar, '/logout', {})).status, 303)
    assert.equal(jar.cookie, '', 'Starlette cleared the cookie')
    assert.deepEqual(await session(jar, '/v2/api/session'), {})
  })

  test('in Chromium: log in on the Python page, shop on the fetch-session page, both agree', {
    skip: chromiumMissing,
  }, async () => {
    const browser = await launchBrowser()
    try {
      const page = await browser.newPage()
      /** Clicks a link or button and waits for the page it leads to. */
      const follow = async (selector: string) => {
        await Promise.all([page.waitForEvent('load'), page.locator(selector).click()])
      }
      await page.goto(`${base}/`)
      await page.locator('input[name="user"]').fill('Ada')
      await follow('form[action="/login"] button')
      assert.equal(await page.locator('#user').textContent(), 'Ada')

      await follow('a[href="/v2/"]')
      assert.equal(await page.locator('#user').textContent(), 'Ada', 'the cookie reached /v2/')
      await page.locator('input[name="item"]').fill('tea')
      await follow('form[action="/v2/cart"] button')
      assert.equal(await page.locator('#cart').textContent(), 'tea')

      await follow('a[href="/"]')
      assert.match((await page.locator('body').textContent()) ?? '', /Your cart has 1 item/)
      await follow('form[action="/logout"] button')
      assert.equal(await page.locator('#user').count(), 0)
      const cookies = await page.context().cookies(base)
      assert.deepEqual(
        cookies.map((c) => c.name),
        [],
        'Starlette cleared the cookie',
      )
    } finally {
      await browser.close()
    }
  })
})
