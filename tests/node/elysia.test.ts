/**
 * fetch-session/elysia in a real Elysia app on Bun (tests/fixtures/frameworks/elysia), type-checked
 * against @types/bun and Elysia's own types, bundled once with `bun build --target=bun` and started
 * with `bun dist/app.js` on 127.0.0.1. A refused token and a store that is down get withSession's
 * own answers (401, 503), not Elysia's 500.
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

const skip = frameworkSkip('Elysia on Bun', ['elysia', 'bun', '@types/bun'])
const app = fixtureApp('elysia')
let server: Server
/** The fixture's second app, whose session store is down. */
let downBase: string

before(async () => {
  if (skip) return
  build(process.execPath, [bin('tsc'), '-p', 'tsconfig.json'], app, {})
  build(bin('bun'), ['build', '--target=bun', '--outdir=dist', 'app.ts'], app, {})
  const port = await freePort()
  const downPort = await freePort()
  downBase = `http://127.0.0.1:${downPort}`
  server = await start(bin('bun'), ['dist/app.js'], {
    cwd: app,
    env: { SESSION_SECRET: SECRET, DOWN_PORT: String(downPort) },
    port,
  })
})
after(() => server?.stop())

test('a route returning a plain value counts visits in the derived session', { skip }, async () => {
  const first = await fetch(`${server.base}/`)
  assert.deepEqual(await first.json(), { visits: 1, user: null })
  assert.equal(first.headers.get('cache-control'), 'private, no-store')
  assert.match(first.headers.get('content-type')!, /^application\/json/)
  const jar = nextCookie(first)
  assert.match(jar, /^__Host-session=[\w-]+\.[\w-]+$/)
  const second = await fetch(`${server.base}/`, { headers: { cookie: jar } })
  assert.deepEqual(await second.json(), { visits: 2, user: null })
  const plain = await fetch(`${server.base}/plain`, { headers: { cookie: jar } })
  assert.equal(await plain.text(), 'hello guest')
  assert.equal(plain.headers.getSetCookie().length, 0, 'reading writes nothing')
})

test('a redirect logs in, a Response logs out', { skip }, async () => {
  const login = await fetch(`${server.base}/login`, {
    method: 'POST',
    body: new URLSearchParams({ user: 'ada' }),
    redirect: 'manual',
  })
  assert.equal(login.status, 303)
  assert.equal(login.headers.getSetCookie().length, 1)
  const jar = nextCookie(login)
  assert.match(login.headers.getSetCookie()[0]!, /; Path=\/; Secure; HttpOnly; SameSite=Lax$/)
  assert.equal(
    await (await fetch(`${server.base}/plain`, { headers: { cookie: jar } })).text(),
    'hello ada',
  )
  const logout = await fetch(`${server.base}/logout`, { method: 'POST', headers: { cookie: jar } })
  assert.equal(await logout.text(), 'bye')
  assert.equal(nextCookie(logout, jar), '')
})

test('a route that throws commits nothing', { skip }, async () => {
  const failed = await fetch(`${server.base}/fail`)
  assert.equal(failed.status, 500)
  assert.equal(failed.headers.getSetCookie().length, 0)
})

test("a refused token gets onInvalid's 401 as it is, not Elysia's 500 with the error's message", {
  skip,
}, async () => {
  const forged = '__Host-session=eyJ0ZXN0IjoxfQ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
  const response = await fetch(`${server.base}/strict`, { headers: { cookie: forged } })
  assert.equal(response.status, 401)
  assert.equal(response.headers.get('www-authenticate'), 'Bearer error="invalid_token"')
  assert.equal(await response.text(), 'invalid session')
  assert.deepEqual(response.headers.getSetCookie(), [])
  const guest = await fetch(`${server.base}/strict`)
  assert.deepEqual(await guest.json(), { user: null })
})

test('a session store that is down answers 503 with Retry-After', { skip }, async () => {
  const response = await fetch(`${downBase}/`, {
    headers: { cookie: '__Host-session=AAAAAAAAAAAAAAAAAAAAAA' },
  })
  assert.equal(response.status, 503)
  assert.equal(response.headers.get('retry-after'), '1')
  assert.equal(await response.text(), 'Service Unavailable')
  assert.deepEqual(response.headers.getSetCookie(), [])
})
