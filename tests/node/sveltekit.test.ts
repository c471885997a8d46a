/**
 * fetch-session/sveltekit in a real SvelteKit app (tests/fixtures/frameworks/sveltekit), built
 * once with `vite build` and adapter-node, started with `node build/index.js` on 127.0.0.1: the
 * handle hook puts the session on `event.locals` (typed through `App.Locals`, checked with tsc after
 * the build), form actions log in and out, a load function reads it, an endpoint counts; a refused
 * token and a store that is down get withSession's own answers (401, 503), not SvelteKit's 500.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import {
  bin,
  build,
  fixtureApp,
  frameworkSkip,
  freePort,
  SECRET,
  type Server,
  start,
} from '../fixtures/frameworks.ts'
import { nextCookie } from '../fixtures/suite.ts'

const skip = frameworkSkip('SvelteKit', [
  '@sveltejs/kit',
  '@sveltejs/adapter-node',
  '@sveltejs/vite-plugin-svelte',
  'svelte',
  'vite',
])
const app = fixtureApp('sveltekit')
let server: Server

before(async () => {
  if (skip) return
  build(process.execPath, [bin('vite'), 'build'], app, {})
  // The build writes .svelte-kit/tsconfig.json; then App.Locals types event.locals.session().
  build(process.execPath, [bin('tsc'), '-p', 'tsconfig.json'], app, {})
  const port = await freePort()
  const env = { SESSION_SECRET: SECRET, ORIGIN: `http://127.0.0.1:${port}` }
  server = await start(process.execPath, ['build/index.js'], { cwd: app, env, port })
})
after(() => server?.stop())

/** Posts a form action as a browser without JavaScript does. */
function action(name: string, fields: Record<string, string>, jar: string): Promise<Response> {
  return fetch(`${server.base}/?/${name}`, {
    method: 'POST',
    body: new URLSearchParams(fields),
    headers: { cookie: jar, origin: server.base, accept: 'text/html' },
    redirect: 'manual',
  })
}

test('a form action logs in, a load function reads event.locals.session()', { skip }, async () => {
  const page = await fetch(`${server.base}/`)
  assert.match(await page.text(), /hello guest/)
  assert.equal(page.headers.getSetCookie().length, 0, 'reading writes nothing')

  const login = await action('login', { user: 'ada' }, '')
  assert.equal(login.status, 303)
  const jar = nextCookie(login)
  assert.match(jar, /^__Host-session=[\w-]+\.[\w-]+$/)
  assert.match(login.headers.getSetCookie()[0]!, /; Path=\/; Secure; HttpOnly; SameSite=Lax$/)
  assert.equal(login.headers.get('cache-control'), 'private, no-store')
  assert.match(
    await (await fetch(`${server.base}/`, { headers: { cookie: jar } })).text(),
    /hello ada/,
  )

  const logout = await action('logout', {}, jar)
  assert.equal(logout.status, 303)
  assert.equal(nextCookie(logout, jar), '')
})

test('an endpoint counts visits in the session', { skip }, async () => {
  const first = await fetch(`${server.base}/api/count`)
  assert.deepEqual(await first.json(), { visits: 1, user: null })
  const second = await fetch(`${server.base}/api/count`, { headers: { cookie: nextCookie(first) } })
  assert.deepEqual(await second.json(), { visits: 2, user: null })
})

test('a cookie signed with another secret gives a guest session and is cleared', {
  skip,
}, async () => {
  const forged = '__Host-session=eyJ0ZXN0IjoxfQ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
  const response = await fetch(`${server.base}/`, { headers: { cookie: forged } })
  assert.match(await response.text(), /hello guest/)
  assert.match(response.headers.getSetCookie()[0]!, /^__Host-session=; Max-Age=0/)
})

/** A cookie signed with another secret: a token this app did not issue. */
const FORGED = '__Host-session=eyJ0ZXN0IjoxfQ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
/** A well-formed store id: the codec asks the store about it. */
const STORED = '__Host-session=AAAAAAAAAAAAAAAAAAAAAA'

test("an endpoint's refused token gets onInvalid's 401 as it is, not SvelteKit's 500", {
  skip,
}, async () => {
  const response = await fetch(`${server.base}/api/strict`, { headers: { cookie: FORGED } })
  assert.equal(response.status, 401)
  assert.equal(response.headers.get('www-authenticate'), 'Bearer error="invalid_token"')
  assert.equal(await response.text(), 'invalid session')
  assert.deepEqual(response.headers.getSetCookie(), [])
  const guest = await fetch(`${server.base}/api/strict`)
  assert.deepEqual(await guest.json(), { user: null })
})

test('an endpoint that catches the session error answers as it likes', { skip }, async () => {
  const response = await fetch(`${server.base}/api/strict?catch`, { headers: { cookie: FORGED } })
  assert.equal(response.status, 200)
  assert.deepEqual(await response.json(), { caught: 'ERR_SESSION_INVALID', answer: 401 })
})

test('a page whose session store is down answers 503 with Retry-After, not an error page', {
  skip,
}, async () => {
  const response = await fetch(`${server.base}/?down`, { headers: { cookie: STORED } })
  assert.equal(response.status, 503)
  assert.equal(response.headers.get('retry-after'), '1')
  assert.equal(await response.text(), 'Service Unavailable')
  assert.deepEqual(response.headers.getSetCookie(), [])
})
