/**
 * fetch-session/next in a real Next.js app (tests/fixtures/frameworks/next), built once with
 * `next build` and served by `next start` on 127.0.0.1: a Server Action logs in through
 * `cookies()`, a Server Component reads the session, the proxy guards a page and writes, a route
 * handler counts, and logging out clears the cookie. A refused token and a store that is down get
 * withSession's own answers (401, 503) through route handlers, the proxy, readSession and
 * updateSession; a flash value a Server Component reads from a server-side session is consumed.
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

const skip = frameworkSkip('Next.js', ['next', 'react', 'react-dom'])
const app = fixtureApp('next')
const env = { SESSION_SECRET: SECRET, NEXT_TELEMETRY_DISABLED: '1' }
let server: Server

before(async () => {
  if (skip) return
  build(process.execPath, [bin('next'), 'build'], app, env)
  const port = await freePort()
  server = await start(
    process.execPath,
    [bin('next'), 'start', '-H', '127.0.0.1', '-p', String(port)],
    { cwd: app, env, port },
  )
})
after(() => server?.stop())

/** Posts a page's form to its Server Action the way a browser without JavaScript does. */
async function submit(
  html: string,
  index: number,
  fields: Record<string, string>,
  jar: string,
  path = '/',
) {
  const forms = [...html.matchAll(/<form[\s\S]*?<\/form>/g)].map(([form]) => form)
  const form = new FormData()
  for (const [, name, value] of forms[index]!.matchAll(
    /<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?/g,
  )) {
    form.append(name!, value ?? '')
  }
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  return fetch(`${server.base}${path}`, {
    method: 'POST',
    body: form,
    headers: { cookie: jar },
    redirect: 'manual',
  })
}

test('a Server Action logs in through cookies(), a Server Component reads it', {
  skip,
}, async () => {
  const page = await fetch(`${server.base}/`)
  const html = await page.text()
  assert.match(html, /hello (<!-- -->)?guest/)
  assert.equal(page.headers.getSetCookie().length, 0, 'reading writes nothing')

  const login = await submit(html, 0, { user: 'ada' }, '')
  assert.ok([200, 303].includes(login.status), `login answered ${login.status}`)
  const jar = nextCookie(login)
  assert.match(jar, /^__Host-session=[\w-]+\.[\w-]+$/)
  const [line] = login.headers.getSetCookie()
  assert.match(line!, /; Path=\//i)
  assert.match(line!, /; Secure/i)
  assert.match(line!, /; HttpOnly/i)
  assert.match(line!, /; SameSite=lax/i)

  const again = await (await fetch(`${server.base}/`, { headers: { cookie: jar } })).text()
  assert.match(again, /hello (<!-- -->)?ada/)
})

test('the proxy turns a guest away and writes for a user', { skip }, async () => {
  const guest = await fetch(`${server.base}/private`, { redirect: 'manual' })
  assert.equal(guest.status, 303)
  assert.equal(new URL(guest.headers.get('location')!, server.base).pathname, '/')

  const html = await (await fetch(`${server.base}/`)).text()
  const jar = nextCookie(await submit(html, 0, { user: 'grace' }, ''))
  const inside = await fetch(`${server.base}/private`, { headers: { cookie: jar } })
  assert.equal(inside.status, 200)
  assert.match(await inside.text(), /private for (<!-- -->)?grace/)
  const counted = nextCookie(inside, jar)
  assert.notEqual(counted, jar, 'the proxy wrote the visit count')
  const api = await fetch(`${server.base}/api/count`, { headers: { cookie: counted } })
  assert.deepEqual(await api.json(), { visits: 2, user: 'grace' })
})

test('a route handler counts visits, and a Server Action logs out', { skip }, async () => {
  const first = await fetch(`${server.base}/api/count`)
  assert.deepEqual(await first.json(), { visits: 1, user: null })
  assert.equal(first.headers.get('cache-control'), 'private, no-store')
  const jar = nextCookie(first)
  const second = await fetch(`${server.base}/api/count`, { headers: { cookie: jar } })
  assert.deepEqual(await second.json(), { visits: 2, user: null })

  const html = await (await fetch(`${server.base}/`, { headers: { cookie: jar } })).text()
  const logout = await submit(html, 1, {}, jar)
  assert.match(logout.headers.getSetCookie().join('\n'), /^__Host-session=;.*Max-Age=0/im)
  assert.equal(nextCookie(logout, jar), '')
})

test('a change in a Server Component, or a header storage in an action, names its fix', {
  skip,
}, async () => {
  const readOnly = await fetch(`${server.base}/api/mistakes?read-only`)
  assert.equal(readOnly.status, 500)
  assert.match(await readOnly.text(), /^ERR_SESSION_COMMITTED: /)
  const header = await fetch(`${server.base}/api/mistakes`)
  assert.equal(header.status, 500)
  assert.equal(
    await header.text(),
    'ERR_SESSION_CONFIG: updateSession: a Server Action can only set cookies, not x-session-token: use cookie() storage here',
  )
  assert.equal(header.headers.getSetCookie().length, 0)
})

/** A cookie signed with another secret: a token this app did not issue. */
const FORGED = '__Host-session=eyJ0ZXN0IjoxfQ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
/** A well-formed store id: the codec asks the store, which is down, about it. */
const STORED = '__Host-session=AAAAAAAAAAAAAAAAAAAAAA'

/** The answers withSession gives on its own, as they reach the client. */
async function assertAnswers(path: string, init: RequestInit = {}): Promise<void> {
  const refused = await fetch(`${server.base}${path}`, { ...init, headers: { cookie: FORGED } })
  assert.equal(refused.status, 401, path)
  assert.equal(refused.headers.get('www-authenticate'), 'Bearer error="invalid_token"')
  assert.equal(await refused.text(), 'invalid session')
  assert.deepEqual(refused.headers.getSetCookie(), [])
  const separator = path.includes('?') ? '&' : '?'
  const down = await fetch(`${server.base}${path}${separator}down`, {
    ...init,
    headers: { cookie: STORED },
  })
  assert.equal(down.status, 503, `${path} with the store down`)
  assert.equal(down.headers.get('retry-after'), '1')
  assert.equal(await down.text(), 'Service Unavailable')
  assert.deepEqual(down.headers.getSetCookie(), [])
}

test('a route handler and the proxy answer a refused token 401 and a store down 503', {
  skip,
}, async () => {
  await assertAnswers('/api/strict')
  await assertAnswers('/private')
})

test('readSession in a route handler throws the error carrying the answer, sent as it is', {
  skip,
}, async () => {
  await assertAnswers('/api/read')
  assert.deepEqual(await (await fetch(`${server.base}/api/read`)).json(), { user: null })
})

test('updateSession does not run its callback for a refused token or a store that is down', {
  skip,
}, async () => {
  await assertAnswers('/api/update', { method: 'POST' })
  const fresh = await fetch(`${server.base}/api/update`, { method: 'POST' })
  assert.equal(await fresh.text(), 'updated for ada')
  assert.match(nextCookie(fresh), /^__Host-session=/)
})

test('readSession in a Server Component gives no session for a refused token or a store down', {
  skip,
}, async () => {
  const refused = await fetch(`${server.base}/refused`, { headers: { cookie: FORGED } })
  assert.match(await refused.text(), /refused (<!-- -->)?401/)
  const down = await fetch(`${server.base}/refused?down`, { headers: { cookie: STORED } })
  assert.match(await down.text(), /refused (<!-- -->)?503/)
  const guest = await fetch(`${server.base}/refused`)
  assert.match(await guest.text(), /user (<!-- -->)?guest/)
})

test('a flash a Server Component reads from a server-side session is consumed; unread, it stays', {
  skip,
}, async () => {
  const html = await (await fetch(`${server.base}/flash`)).text()
  const jar = nextCookie(await submit(html, 0, {}, '', '/flash'))
  assert.match(jar, /^__Host-flash=/)
  const page = (query = '') =>
    fetch(`${server.base}/flash${query}`, { headers: { cookie: jar } }).then((r) => r.text())

  // Rendered without reading it: put back once the response is out, so wait for the store.
  assert.match(await page('?quiet'), /notice (<!-- -->)?unread/)
  const deadline = Date.now() + 10_000
  for (;;) {
    const values = await (
      await fetch(`${server.base}/api/flash-store`, { headers: { cookie: jar } })
    ).json()
    if (values?.__flash__ !== undefined) break
    assert.ok(Date.now() < deadline, 'the unread flash went back to the store')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }

  const shown = await page()
  assert.match(shown, /notice (<!-- -->)?saved/)
  assert.match(shown, /hello (<!-- -->)?ada/, 'another component read the same session')
  const again = await page()
  assert.match(again, /notice (<!-- -->)?none/, 'read once, then gone')
  assert.match(again, /hello (<!-- -->)?ada/)
})
