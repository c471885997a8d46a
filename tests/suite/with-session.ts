import assert from 'node:assert/strict'
import type { CodecBackend, SessionBackends } from '../../src/index.ts'
import {
  cookie,
  DecodeError,
  getSession,
  SessionError,
  signedCodec,
  withSession,
} from '../../src/index.ts'
import { counter, nextCookie, request, SECRET, signedBackends } from '../fixtures/suite.ts'
import { suite } from '../harness.ts'

const test = suite('withSession')

/** Wraps a codec to count its calls. */
function counting(codec: CodecBackend = signedCodec({ secrets: SECRET })) {
  const calls = { encode: 0, decode: 0, destroy: [] as string[] }
  const wrapped: CodecBackend = {
    encode: (data) => {
      calls.encode++
      return codec.encode(data)
    },
    decode: (token) => {
      calls.decode++
      return codec.decode(token)
    },
    destroy: (token) => {
      calls.destroy.push(token)
    },
  }
  return { codec: wrapped, calls }
}

test('a session set on one request is read on the next', async () => {
  const { handler } = counter()
  const first = await handler(request())
  assert.equal(await first.text(), '1')
  const second = await handler(request(nextCookie(first)))
  assert.equal(await second.text(), '2')
})

test('a route that never asks for the session gets its own response back, untouched', async () => {
  const { codec, calls } = counting()
  const response = new Response('plain')
  const handler = withSession(() => response, { codec, ...cookie() })
  const result = await handler(request('session=whatever'))
  assert.equal(result, response)
  assert.equal(result.headers.get('set-cookie'), null)
  assert.deepEqual([calls.decode, calls.encode], [0, 0])
})

test('an unchanged session writes no Set-Cookie and encodes nothing', async () => {
  const { codec, calls } = counting()
  const { handler } = counter({ codec, ...cookie() })
  const jar = nextCookie(await handler(request()))
  const read = await handler(request(jar, {}, 'http://localhost/read'))
  assert.equal(await read.text(), '1')
  assert.equal(read.headers.get('set-cookie'), null)
  assert.equal(calls.encode, 1)
})

test('a new session that stays empty writes nothing', async () => {
  const handler = withSession(async (req: Request) => {
    const session = await getSession(req)
    session.set('x', 1)
    session.delete('x')
    return new Response('ok')
  }, signedBackends())
  const response = await handler(request())
  assert.equal(response.headers.get('set-cookie'), null)
})

test('the token is decoded once however often getSession is called', async () => {
  const { codec, calls } = counting()
  const handler = withSession(
    async (req: Request) => {
      const [a, b] = await Promise.all([getSession(req), getSession(req)])
      assert.equal(a, b)
      assert.equal(await getSession(req), a)
      a.set('n', 1)
      return new Response('ok')
    },
    { codec, ...cookie() },
  )
  const jar = nextCookie(await handler(request()))
  await handler(request(jar))
  assert.equal(calls.decode, 1)
})

test('mutating a nested value that was read is committed', async () => {
  const backends = signedBackends()
  const handler = withSession(async (req: Request) => {
    const session = await getSession<{ cart: string[] }>(req)
    const cart = session.get('cart')
    if (cart) cart.push('pear')
    else session.set('cart', ['apple'])
    return Response.json(session.get('cart'))
  }, backends)
  const jar = nextCookie(await handler(request()))
  const second = await handler(request(jar))
  assert.notEqual(second.headers.get('set-cookie'), null)
  const third = await handler(request(nextCookie(second, jar)))
  assert.deepEqual(await third.json(), ['apple', 'pear', 'pear'])
})

test('getSession on a request that was not wrapped rejects with ERR_SESSION_MISSING', async () => {
  await assert.rejects(getSession(request()), (error: unknown) => {
    assert.ok(error instanceof SessionError)
    assert.equal(error.code, 'ERR_SESSION_MISSING')
    return true
  })
})

test('a handler that throws commits nothing', async () => {
  const { codec, calls } = counting()
  const handler = withSession(
    async (req: Request) => {
      ;(await getSession(req)).set('user', 'ada')
      throw new Error('boom')
    },
    { codec, ...cookie() },
  )
  await assert.rejects(handler(request()), /boom/)
  assert.equal(calls.encode, 0)
})

test('clearing a session sends a cookie that expires at once and deletes the record', async () => {
  const { codec, calls } = counting()
  const { handler } = counter({ codec, ...cookie() })
  const jar = nextCookie(await handler(request()))
  const token = jar.slice('session='.length)
  const logout = withSession(
    async (req: Request) => {
      ;(await getSession(req)).clear()
      return new Response('bye')
    },
    { codec, ...cookie() },
  )
  const response = await logout(request(jar))
  assert.match(
    response.headers.get('set-cookie') ?? '',
    /^session=; Max-Age=0; Expires=Thu, 01 Jan 1970/,
  )
  assert.deepEqual(calls.destroy, [token])
})

test('destroy() clears the cookie and forgets the old token', async () => {
  const { codec, calls } = counting()
  const { handler } = counter({ codec, ...cookie() })
  const jar = nextCookie(await handler(request()))
  const logout = withSession(
    async (req: Request) => {
      const session = await getSession(req)
      session.destroy()
      assert.equal(session.get('count'), undefined)
      return new Response('bye')
    },
    { codec, ...cookie() },
  )
  const response = await logout(request(jar))
  assert.match(response.headers.get('set-cookie') ?? '', /Max-Age=0/)
  assert.deepEqual(calls.destroy, [jar.slice('session='.length)])
})

test('regenerate() issues a fresh token for unchanged data and forgets the old one', async () => {
  const { codec, calls } = counting()
  const { handler } = counter({ codec, ...cookie() })
  const jar = nextCookie(await handler(request()))
  const login = withSession(
    async (req: Request) => {
      ;(await getSession(req)).regenerate()
      return new Response('ok')
    },
    { codec, ...cookie() },
  )
  const response = await login(request(jar))
  const fresh = nextCookie(response)
  assert.ok(fresh.startsWith('session='))
  assert.deepEqual(calls.destroy, [jar.slice('session='.length)])
  const after = await handler(request(fresh, {}, 'http://localhost/read'))
  assert.equal(await after.text(), '1')
})

test('Workers-style (request, env, ctx) arguments reach the handler and the backends untouched', async () => {
  interface Env {
    SESSION_SECRET: string
  }
  const env: Env = { SESSION_SECRET: SECRET }
  const ctx = { waitUntil(_promise: Promise<unknown>) {} }
  const seen: unknown[] = []
  const handler = withSession(
    async (req: Request, e: Env, c: typeof ctx) => {
      seen.push(e, c)
      ;(await getSession(req)).set('user', 'ada')
      return new Response('ok')
    },
    (_req, e) => {
      seen.push('backends')
      return { codec: signedCodec({ secrets: e.SESSION_SECRET }), ...cookie() }
    },
  )
  const response = await handler(request(), env, ctx)
  assert.equal(handler.length, 1)
  assert.deepEqual(seen, [env, ctx, 'backends'])
  assert.match(response.headers.get('set-cookie') ?? '', /^session=/)
})

test('backends built from the arguments are not built for a route that never asks', async () => {
  let built = 0
  const handler = withSession(
    () => new Response('ok'),
    () => {
      built++
      return signedBackends()
    },
  )
  await handler(request())
  assert.equal(built, 0)
})

test('a store failure while loading fails the request instead of starting a new session', async () => {
  const down: CodecBackend = {
    encode: () => 'never',
    decode: () => {
      throw new Error('store is down')
    },
  }
  const handler = withSession(
    async (req: Request) => {
      await getSession(req)
      return new Response('should not happen')
    },
    { codec: down, ...cookie() },
  )
  await assert.rejects(handler(request('session=abc')), /store is down/)
})

test('a codec that decodes to something other than an object gives an empty session', async () => {
  const arrays: CodecBackend = { encode: () => 'x', decode: () => [1, 2] as never }
  const { handler, invalid } = counter({ codec: arrays, ...cookie() })
  assert.equal(
    await (await handler(request('session=abc', {}, 'http://localhost/read'))).text(),
    '0',
  )
  assert.equal(invalid[0]?.reason, 'malformed')
})

test('incomplete backends are ERR_SESSION_CONFIG at construction', () => {
  const bad = [
    {},
    { codec: signedCodec({ secrets: SECRET }) },
    { codec: signedCodec({ secrets: SECRET }), ...cookie(), authorization: [] },
    { codec: { encode: 1 }, ...cookie() },
  ]
  for (const backends of bad) {
    assert.throws(
      () => withSession(() => new Response(), backends as unknown as SessionBackends),
      (error: unknown) => error instanceof SessionError && error.code === 'ERR_SESSION_CONFIG',
    )
  }
})

test('with several authorization backends, the first that yields a token wins', async () => {
  const first = { getToken: () => undefined }
  const { handler } = counter()
  const jar = nextCookie(await handler(request()))
  const both = counter({ ...signedBackends(), authorization: [first, cookie().authorization] })
  assert.equal(await (await both.handler(request(jar, {}, 'http://localhost/read'))).text(), '1')
})

test('onInvalid receives a DecodeError and the request, and the session starts empty', async () => {
  const seen: Request[] = []
  const { handler, invalid } = counter(signedBackends(), { onInvalid: (_e, req) => seen.push(req) })
  const req = request('session=not-a-token', {}, 'http://localhost/read')
  const response = await handler(req)
  assert.equal(await response.text(), '0')
  assert.match(response.headers.get('set-cookie') ?? '', /^session=; Max-Age=0/, 'cleared once')
  assert.ok(invalid[0] instanceof DecodeError)
  assert.equal(invalid[0].code, 'ERR_SESSION_INVALID')
  assert.equal(seen[0], req)
})
