/**
 * fetch-session/astro in a real Astro app (tests/fixtures/frameworks/astro), built once with
 * `astro build` and the Node adapter, started with `node dist/server/entry.mjs` on 127.0.0.1. Astro
 * 7 needs Node 22.12 or later, so both run on Node 22 from tests/node-versions/. `App.Locals` types
 * `context.locals.session()`: the pages are checked with tsc after the build. A refused token and a
 * store that is down get withSession's own answers (401, 503), not Astro's 500.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import {
  build,
  fixtureApp,
  frameworkSkip,
  freePort,
  nodeBinary,
  root,
  SECRET,
  type Server,
  start,
} from '../fixtures/frameworks.ts'
import { nextCookie } from '../fixtures/suite.ts'

const node = nodeBinary(22)
const skip = frameworkSkip('Astro', ['astro', '@astrojs/node'], node)
const app = fixtureApp('astro')
let server: Server

before(async () => {
  if (skip) return
  build(node, [`${root}tests/node_modules/astro/bin/astro.mjs`, 'build'], app, {})
  // The build writes .astro/types.d.ts; then App.Locals types context.locals.session().
  build(process.execPath, [`${root}node_modules/.bin/tsc`, '-p', 'tsconfig.json'], app, {})
  const port = await freePort()
  const env = { SESSION_SECRET: SECRET }
  server = await start(node, ['dist/server/entry.mjs'], { cwd: app, env, port })
})
after(() => server?.stop())

function post(fields: Record<string, string>, jar: string): Promise<Response> {
  return fetch(`${server.base}/`, {
    method: 'POST',
    body: new URLSearchParams(fields),
    headers: { cookie: jar, origin: server.base },
    redirect: 'manual',
  })
}

test('a page logs in through Astro.locals.session() and reads it back', { skip }, async () => {
  const page = await fetch(`${server.base}/`)
  assert.match(await page.text(), /hello guest/)
  assert.equal(page.headers.getSetCookie().length, 0, 'reading writes nothing')

  const login = await post({ user: 'ada' }, '')
  assert.equal(login.status, 303)
  const jar = nextCookie(login)
  assert.match(jar, /^__Host-session=[\w-]+\.[\w-]+$/)
  assert.match(login.headers.getSetCookie()[0]!, /; Path=\/; Secure; HttpOnly; SameSite=Lax$/)
  assert.match(
    await (await fetch(`${server.base}/`, { headers: { cookie: jar } })).text(),
    /hello ada/,
  )

  const logout = await post({ action: 'logout' }, jar)
  assert.equal(logout.status, 303)
  assert.equal(nextCookie(logout, jar), '')
})

test('an endpoint counts visits in context.locals.session()', { skip }, async () => {
  const first = await fetch(`${server.base}/api/count`)
  assert.deepEqual(await first.json(), { visits: 1, user: null })
  assert.equal(first.headers.get('cache-control'), 'private, no-store')
  const second = await fetch(`${server.base}/api/count`, { headers: { cookie: nextCookie(first) } })
  assert.deepEqual(await second.json(), { visits: 2, user: null })
})

/** A cookie signed with another secret: a token this app did not issue. */
const FORGED = '__Host-session=eyJ0ZXN0IjoxfQ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
/** A well-formed store id: the codec asks the store about it. */
const STORED = '__Host-session=AAAAAAAAAAAAAAAAAAAAAA'

test("an endpoint's refused token gets onInvalid's 401 as it is, not Astro's 500", {
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
