import assert from 'node:assert/strict'
import {
  bearerAuthorization,
  cookie,
  getSession,
  headerAuthorization,
  headerStorage,
  SessionError,
  signedCodec,
  withSession,
} from '../../../src/index.ts'
import { counter, request, SECRET } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('transports')

const withAuthorization = (value: string) => request('', { headers: { authorization: value } })

test('Bearer: the token follows the scheme, in any letter case, after one or more spaces', () => {
  const bearer = bearerAuthorization()
  assert.equal(bearer.getToken(withAuthorization('Bearer abc.DEF-_~+/=')), 'abc.DEF-_~+/=')
  assert.equal(bearer.getToken(withAuthorization('bearer abc')), 'abc')
  assert.equal(bearer.getToken(withAuthorization('BEARER    abc')), 'abc')
})

test('Bearer: anything else is no token', () => {
  const bearer = bearerAuthorization()
  const none = [
    '',
    'Bearer',
    'Bearer ',
    'Bearer  ',
    'Basic YWxhZGRpbjpvcGVuc2VzYW1l',
    'Bearerabc',
    'Bearer abc def',
    'Bearer abc,def',
    'Bearer "abc"',
    'Bearer =abc',
    'Bearer\tabc',
    'Token abc',
  ]
  for (const value of none)
    assert.equal(bearer.getToken(withAuthorization(value)), undefined, value)
  assert.equal(bearer.getToken(request()), undefined)
})

test('Bearer: a custom scheme is matched the same way', () => {
  const token = bearerAuthorization({ scheme: 'Session' })
  assert.equal(token.getToken(withAuthorization('session abc')), 'abc')
  assert.equal(token.getToken(withAuthorization('Bearer abc')), undefined)
  assert.throws(() => bearerAuthorization({ scheme: 'Bad Scheme' }), SessionError)
})

test('header transports: the token is read from and written to the configured header', () => {
  const auth = headerAuthorization({ header: 'x-api-session' })
  assert.equal(auth.getToken(request('', { headers: { 'x-api-session': ' tok ' } })), 'tok')
  assert.equal(auth.getToken(request('', { headers: { 'x-api-session': '' } })), undefined)
  assert.equal(
    headerAuthorization().getToken(request('', { headers: { 'x-session-token': 't' } })),
    't',
  )

  const headers = new Headers({ 'access-control-expose-headers': 'x-request-id' })
  const storage = headerStorage({ header: 'x-api-session' })
  storage.persist(headers, 'tok', {})
  assert.equal(headers.get('x-api-session'), 'tok')
  assert.equal(headers.get('access-control-expose-headers'), 'x-request-id, x-api-session')
  storage.clear(headers)
  assert.equal(headers.get('x-api-session'), '')
  assert.equal(headers.get('access-control-expose-headers'), 'x-request-id, x-api-session')
})

test('header transports: a bad header name is ERR_SESSION_CONFIG; a bad token ERR_SESSION_TOKEN', () => {
  for (const header of ['', 'x session', 'x:y', 'x\r\ny']) {
    assert.throws(() => headerStorage({ header }), SessionError, header)
    assert.throws(() => headerAuthorization({ header }), SessionError, header)
  }
  assert.throws(
    () => headerStorage().persist(new Headers(), 'a b', {}),
    (error: unknown) => error instanceof SessionError && error.code === 'ERR_SESSION_TOKEN',
  )
})

test('a Bearer-transported session: issued in a header, presented as Bearer, cleared with an empty header', async () => {
  const { handler } = counter({
    codec: signedCodec({ secrets: SECRET }),
    storage: headerStorage(),
    authorization: bearerAuthorization(),
  })
  const first = await handler(request())
  const token = first.headers.get('x-session-token')!
  assert.ok(token)
  assert.equal(first.headers.get('set-cookie'), null)
  const second = await handler(withAuthorization(`Bearer ${token}`))
  assert.equal(await second.text(), '2')
  const read = await handler(
    new Request('http://localhost/read', { headers: { authorization: `Bearer ${token}` } }),
  )
  assert.equal(await read.text(), '1')
  assert.equal(read.headers.get('x-session-token'), null)
})

test('a token in both the Authorization header and a cookie: the first configured backend wins', async () => {
  const codec = signedCodec({ secrets: SECRET })
  const { storage, authorization: fromCookie } = cookie()
  const viaBearer = await codec.encode({ count: 10 })
  const viaCookie = await codec.encode({ count: 20 })
  const headers = { authorization: `Bearer ${viaBearer}`, cookie: `session=${viaCookie}` }
  const bearerFirst = counter({
    codec,
    storage,
    authorization: [bearerAuthorization(), fromCookie],
  })
  const cookieFirst = counter({
    codec,
    storage,
    authorization: [fromCookie, bearerAuthorization()],
  })
  const read = (h: typeof bearerFirst) =>
    h.handler(new Request('http://localhost/read', { headers })).then((r) => r.text())
  assert.equal(await read(bearerFirst), '10')
  assert.equal(await read(cookieFirst), '20')
})

test('strict Bearer: a malformed header is reported, and onInvalid may answer 401 with a challenge', async () => {
  const seen: string[] = []
  const { handler } = counter(
    {
      codec: signedCodec({ secrets: SECRET }),
      storage: headerStorage(),
      authorization: bearerAuthorization({ strict: true }),
    },
    {
      onInvalid: (error) => {
        seen.push(error.reason)
        return new Response(null, {
          status: 401,
          headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
        })
      },
    },
  )
  for (const value of ['Bearer', 'Bearer ', 'Bearer a b', 'bearer "quoted"', 'Bearer\tabc']) {
    const response = await handler(withAuthorization(value))
    assert.equal(response.status, 401, value)
    assert.equal(response.headers.get('www-authenticate'), 'Bearer error="invalid_token"')
    assert.equal(response.headers.get('x-session-token'), null)
  }
  const forged = await handler(withAuthorization('Bearer abc.def'))
  assert.equal(forged.status, 401)
  assert.deepEqual(seen, [
    'malformed',
    'malformed',
    'malformed',
    'malformed',
    'malformed',
    'malformed',
  ])
  for (const value of ['Basic YWxhZGRpbjpvcGVuc2VzYW1l', 'Bearerish abc']) {
    const response = await handler(withAuthorization(value))
    assert.equal(response.status, 200, `${value}: another scheme is no token, not an error`)
  }
  assert.equal((await handler(request())).status, 200)
})

test('onInvalid returning nothing keeps the request going with an empty session', async () => {
  const { handler, invalid } = counter(
    {
      codec: signedCodec({ secrets: SECRET }),
      storage: headerStorage(),
      authorization: bearerAuthorization({ strict: true }),
    },
    { onInvalid: () => undefined },
  )
  const response = await handler(withAuthorization('Bearer a b'))
  assert.equal(response.status, 200)
  assert.equal(await response.text(), '1')
  assert.equal(invalid[0]?.reason, 'malformed')
})

test('a cookie-transported session under a sub-path: the cookie is scoped to it and works there', async () => {
  const { handler } = counter({
    codec: signedCodec({ secrets: SECRET }),
    ...cookie({ path: '/app' }),
  })
  const first = await handler(request('', {}, 'http://localhost/app/cart'))
  const line = first.headers.get('set-cookie') ?? ''
  assert.match(line, /; Path=\/app;/)
  const jar = line.split(';')[0]!
  assert.equal(await (await handler(request(jar, {}, 'http://localhost/app/cart'))).text(), '2')
  const cleared = withSession(
    async (req: Request) => {
      ;(await getSession(req)).clear()
      return new Response('bye')
    },
    { codec: signedCodec({ secrets: SECRET }), ...cookie({ path: '/app' }) },
  )
  const bye = (await cleared(request(jar, {}, 'http://localhost/app/logout'))).headers.get(
    'set-cookie',
  )
  assert.match(bye ?? '', /^session=; Max-Age=0; .*; Path=\/app;/)
})
