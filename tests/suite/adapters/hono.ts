import assert from 'node:assert/strict'
import { Hono } from 'hono'
import { setCookie } from 'hono/cookie'
import { getSession, type SessionVariables, session } from '../../../adapters/hono.ts'
import { cookie, SessionError, signedCodec } from '../../../src/index.ts'
import { nextCookie, OTHER_SECRET, SECRET, signedBackends } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('hono')

type Data = { count?: number; user?: string }

/** An app with a counter at `/`, a read-only `/read` and a `/logout`. */
function counterApp(backends = signedBackends()) {
  const app = new Hono<{ Variables: SessionVariables<Data> }>()
  app.use(session(backends))
  app.get('/', async (c) => {
    const s = await c.var.session()
    s.set('count', (s.get('count') ?? 0) + 1)
    return c.text(String(s.get('count')))
  })
  app.get('/read', async (c) => c.text(String((await getSession<Data>(c)).get('count') ?? 0)))
  app.post('/logout', async (c) => {
    ;(await getSession(c)).destroy()
    return c.redirect('/', 303)
  })
  app.get('/plain', (c) => c.text('no session here'))
  return app
}

function get(app: { request: Hono['request'] }, path: string, jar = '') {
  return app.request(path, jar ? { headers: { cookie: jar } } : {})
}

test('a session set on one request is read on the next, through app.request', async () => {
  const app = counterApp()
  const first = await get(app, '/')
  assert.equal(await first.text(), '1')
  const jar = nextCookie(first)
  assert.match(jar, /^session=/)
  assert.equal(await (await get(app, '/', jar)).text(), '2')
})

test('a route that reads or ignores the session gets no Set-Cookie', async () => {
  const app = counterApp()
  const jar = nextCookie(await get(app, '/'))
  const read = await get(app, '/read', jar)
  assert.equal(await read.text(), '1')
  assert.equal(read.headers.get('set-cookie'), null)
  const plain = await get(app, '/plain', jar)
  assert.equal(await plain.text(), 'no session here')
  assert.equal(plain.headers.get('set-cookie'), null)
})

test('c.var.session() and getSession(c) return the same session object', async () => {
  const app = new Hono<{ Variables: SessionVariables }>()
  app.use(session(signedBackends()))
  app.get('/', async (c) => c.text(String((await c.var.session()) === (await getSession(c)))))
  assert.equal(await (await get(app, '/')).text(), 'true')
})

test('logout clears the cookie on a redirect and the old token no longer counts', async () => {
  const app = counterApp()
  const jar = nextCookie(await get(app, '/'))
  const out = await app.request('/logout', { method: 'POST', headers: { cookie: jar } })
  assert.equal(out.status, 303)
  assert.equal(out.headers.get('location'), '/')
  assert.match(out.headers.get('set-cookie') ?? '', /^session=; Max-Age=0/)
  assert.equal(nextCookie(out, jar), '')
})

test('a cookie the handler sets with hono/cookie is kept beside the session cookie, once each', async () => {
  const app = new Hono()
  app.use(session(signedBackends()))
  app.get('/', async (c) => {
    setCookie(c, 'theme', 'dark')
    ;(await getSession(c)).set('user', 'ada')
    return c.text('ok')
  })
  const cookies = (await get(app, '/')).headers.getSetCookie()
  assert.equal(cookies.filter((line) => line.startsWith('theme=dark')).length, 1)
  assert.equal(cookies.filter((line) => line.startsWith('session=')).length, 1)
  assert.equal(cookies.length, 2)
})

test('backends built from c.env read a secret per request', async () => {
  type Bindings = { SECRET: string }
  const app = new Hono<{ Bindings: Bindings }>()
  app.use(
    session<Data, { Bindings: Bindings }>((c) => ({
      codec: signedCodec({ secrets: c.env.SECRET }),
      ...cookie(),
    })),
  )
  app.get('/', async (c) => {
    const s = await getSession<Data>(c)
    s.set('count', (s.get('count') ?? 0) + 1)
    return c.text(String(s.get('count')))
  })
  const jar = nextCookie(await app.request('/', {}, { SECRET }))
  const headers = { cookie: jar }
  assert.equal(await (await app.request('/', { headers }, { SECRET })).text(), '2')
  // The same token under another secret does not verify: a fresh session.
  assert.equal(await (await app.request('/', { headers }, { SECRET: OTHER_SECRET })).text(), '1')
})

test('a handler that throws commits nothing and onError still answers', async () => {
  const app = new Hono()
  app.use(session(signedBackends()))
  app.get('/', async (c) => {
    ;(await getSession(c)).set('user', 'mallory')
    throw new Error('boom')
  })
  app.onError((_error, c) => c.text('handled', 500))
  const response = await get(app, '/')
  assert.equal(response.status, 500)
  assert.equal(await response.text(), 'handled')
  assert.equal(response.headers.get('set-cookie'), null)
})

test('a tampered cookie gives an empty session and reaches onInvalid', async () => {
  const reasons: string[] = []
  const app = new Hono()
  app.use(session(signedBackends(), { onInvalid: (error) => reasons.push(error.reason) }))
  app.get('/', async (c) => c.text(JSON.stringify((await getSession(c)).toJSON())))
  const response = await get(app, '/', 'session=e30.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')
  assert.equal(await response.text(), '{}')
  assert.deepEqual(reasons, ['signature'])
})

test('a 404 behind the middleware passes through untouched', async () => {
  const response = await get(counterApp(), '/missing')
  assert.equal(response.status, 404)
  assert.equal(response.headers.get('set-cookie'), null)
})

test('bad backends or options are ERR_SESSION_CONFIG when the middleware is built', () => {
  const config = (error: unknown) =>
    error instanceof SessionError && error.code === 'ERR_SESSION_CONFIG'
  assert.throws(() => session({} as never), config)
  assert.throws(() => session(signedBackends(), null as never), config)
  assert.throws(() => session(signedBackends(), { onInvalid: 'log' as never }), config)
})

test('getSession(c) without the middleware rejects with ERR_SESSION_MISSING', async () => {
  const app = new Hono()
  app.get('/', async (c) => {
    const error = await getSession(c).catch((caught: unknown) => caught)
    return c.text(error instanceof SessionError ? error.code : 'no error')
  })
  assert.equal(await (await get(app, '/')).text(), 'ERR_SESSION_MISSING')
})

test('chained, the middleware types c.var.session and getSession(c) from its Data', async () => {
  const app = new Hono().use(session<Data>(signedBackends())).get('/', async (c) => {
    const s = await c.var.session()
    const count: number | undefined = s.get('count')
    // @ts-expect-error count is a number in Data
    s.get('user') satisfies number
    const same = await getSession(c)
    // @ts-expect-error getSession(c) has the app's Data too
    same.set('count', 'one')
    same.set('count', (count ?? 0) + 1)
    return c.text(String(same.get('count')))
  })
  assert.equal(await (await app.request('/')).text(), '1')
})

test('without the middleware, c.var.session is a type error and getSession(c) names the fix', async () => {
  let caught: unknown
  const app = new Hono().get('/', async (c) => {
    // @ts-expect-error no session() middleware: no session variable
    c.var.session
    return c.text(String((await getSession(c)).isNew))
  })
  app.onError((error, c) => {
    caught = error
    return c.text('failed', 500)
  })
  assert.equal((await app.request('/')).status, 500)
  assert.ok(caught instanceof SessionError)
  assert.equal(caught.code, 'ERR_SESSION_MISSING')
  assert.match(caught.message, /add app\.use\(session\(backends\)\) before it/)
})

test('an async backends builder is refused when the middleware is built', () => {
  assert.throws(
    // A type error too; a plain JavaScript caller gets the message.
    () => session((async () => signedBackends()) as never),
    (error: unknown) =>
      error instanceof SessionError &&
      error.code === 'ERR_SESSION_CONFIG' &&
      /not a Promise: await what it needs .* once, before/.test(error.message),
  )
})
