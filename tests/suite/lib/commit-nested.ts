/** Nested withSession layers: every layer's Set-Cookie reaches the client, and no other user's. */
import assert from 'node:assert/strict'
import { Hono } from 'hono'
import { session } from '../../../adapters/hono.ts'
import { cookie, getSession, signedCodec, withSession } from '../../../src/index.ts'
import { nextCookie, request, SECRET } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('commit nested')

const codec = signedCodec({ secrets: SECRET })
const outerBackends = { codec, ...cookie({ name: 'outer' }) }
const innerBackends = { codec, ...cookie({ name: 'legacy' }) }

/** The legacy app: `/login` and `/logout`, answered with `respond()` (fresh or shared). */
function legacyApp(respond: () => Response = () => new Response('ok')) {
  return withSession(async (req: Request) => {
    const s = await getSession(req)
    if (new URL(req.url).pathname.endsWith('/logout')) s.destroy()
    else s.set('user', req.headers.get('x-user') ?? 'ada')
    return respond()
  }, innerBackends)
}

/** The names a response sets, `name=` for a cleared one. */
function setNames(response: Response): string[] {
  return response.headers
    .getSetCookie()
    .map((line) => (/;\s*Max-Age=0/i.test(line) ? `${line.split('=')[0]}=` : line.split('=')[0]!))
    .sort()
}

/** The outer layer hands the inner one a rebuilt Request, as a mount does. */
function rebuilt(inner: (req: Request) => Promise<Response>, touch: boolean) {
  return withSession(async (req: Request) => {
    if (touch) (await getSession(req)).set('seen', true)
    return inner(new Request(new URL('/legacy/login', req.url), req))
  }, outerBackends)
}

test('an outer layer that never reads its session keeps the inner login cookie', async () => {
  const response = await rebuilt(legacyApp(), false)(request())
  assert.deepEqual(setNames(response), ['legacy'])
})

test('both layers write: both cookies, one each', async () => {
  const response = await rebuilt(legacyApp(), true)(request())
  assert.deepEqual(setNames(response), ['legacy', 'outer'])
})

test('an inner logout clears its cookie through the outer layer', async () => {
  const login = await rebuilt(legacyApp(), false)(request())
  const jar = nextCookie(login)
  const outer = withSession(async (req: Request) => {
    return legacyApp()(new Request(new URL('/legacy/logout', req.url), req))
  }, outerBackends)
  const logout = await outer(request(jar))
  assert.deepEqual(setNames(logout), ['legacy='])
})

test('nested layers on a shared Response: each user gets only their own cookies', async () => {
  const shared = new Response(null, { status: 303, headers: { location: '/' } })
  const app = rebuilt(
    legacyApp(() => shared),
    true,
  )
  const users = ['ada', 'bob', 'cyd']
  const responses = await Promise.all(
    users.map((user) => app(request('', { headers: { 'x-user': user } }))),
  )
  for (const [index, response] of responses.entries()) {
    const legacy = response.headers.getSetCookie().filter((line) => line.startsWith('legacy='))
    assert.equal(legacy.length, 1, `user ${users[index]}`)
    const token = legacy[0]!.slice('legacy='.length, legacy[0]!.indexOf(';'))
    assert.equal((await codec.decode(token)).user, users[index])
  }
  const later = await withSession(() => shared, outerBackends)(request())
  assert.deepEqual(setNames(later), [], 'an unrelated request later gets none of them')
})

test("Hono: app.use(session()) plus app.mount() of a withSession app keeps the mounted app's cookies", async () => {
  const app = new Hono()
  app.use(session(outerBackends))
  app.mount('/legacy', legacyApp())
  const login = await app.request('/legacy/login')
  assert.deepEqual(setNames(login), ['legacy'])
  const logout = await app.request('/legacy/logout', {
    headers: { cookie: nextCookie(login) },
  })
  assert.deepEqual(setNames(logout), ['legacy='])
})
