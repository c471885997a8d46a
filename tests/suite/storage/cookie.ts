import assert from 'node:assert/strict'
import type { CookieOptions } from '../../../src/index.ts'
import {
  cookie,
  cookieAuthorization,
  cookieStorage,
  getSession,
  SessionError,
  signedCodec,
  withSession,
} from '../../../src/index.ts'
import { parseCookies, readCookie } from '../../../src/transports/cookie-header.ts'
import { counter, request, SECRET } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('cookie')

function written(options: CookieOptions, token = 'tok', maxAge?: number): string {
  const headers = new Headers()
  cookieStorage(options).persist(headers, token, maxAge === undefined ? {} : { maxAge })
  return headers.get('set-cookie') ?? ''
}

function cleared(options: CookieOptions): string {
  const headers = new Headers()
  cookieStorage(options).clear(headers)
  return headers.get('set-cookie') ?? ''
}

test('defaults: Path=/, Secure, HttpOnly, SameSite=Lax, named session', () => {
  assert.equal(written({}), 'session=tok; Path=/; Secure; HttpOnly; SameSite=Lax')
  assert.equal(
    cleared({}),
    'session=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; Secure; HttpOnly; SameSite=Lax',
  )
})

test('every attribute is written as configured', () => {
  assert.equal(
    written({
      name: 'sid',
      path: '/app',
      domain: 'example.com',
      maxAge: 600,
      sameSite: 'none',
      httpOnly: false,
      partitioned: true,
    }),
    'sid=tok; Max-Age=600; Path=/app; Domain=example.com; Secure; SameSite=None; Partitioned',
  )
  assert.equal(
    written({ secure: false, sameSite: 'STRICT' }),
    'session=tok; Path=/; HttpOnly; SameSite=Strict',
  )
})

test('sameSite is accepted in any letter case and written as Lax, Strict or None', () => {
  for (const [given, expected] of [
    ['lax', 'Lax'],
    ['Lax', 'Lax'],
    ['LAX', 'Lax'],
    ['strict', 'Strict'],
    ['None', 'None'],
    ['nOnE', 'None'],
  ]) {
    assert.ok(written({ sameSite: given as 'lax' }).endsWith(`; SameSite=${expected}`), given)
  }
})

test('Max-Age: the token lifetime by default, the smaller of both when configured, none when null', () => {
  assert.match(written({}, 'tok', 3600), /; Max-Age=3600;/)
  assert.match(written({ maxAge: 60 }, 'tok', 3600), /; Max-Age=60;/)
  assert.match(written({ maxAge: 7200 }, 'tok', 3600), /; Max-Age=3600;/)
  assert.doesNotMatch(written({ maxAge: null }, 'tok', 3600), /Max-Age/)
  assert.match(written({}, 'tok', 10 ** 9), /; Max-Age=34560000;/)
})

test('bad options are ERR_SESSION_CONFIG at construction, whatever their TypeScript type', () => {
  const bad: unknown[] = [
    { name: '' },
    { name: 'a b' },
    { name: 'a;b' },
    { name: 'a=b' },
    { name: 'sess\u00a0ion' },
    { name: 'a\r\nSet-Cookie: x=y' },
    { name: 42 },
    { path: 'app' },
    { path: '/a;Domain=evil.com' },
    { path: '/a\r\nx: y' },
    { path: `/${'a'.repeat(1024)}` },
    { domain: 'evil.com; Secure' },
    { domain: 'exa mple.com' },
    { domain: '' },
    { maxAge: -1 },
    { maxAge: 0 },
    { maxAge: 1.5 },
    { maxAge: 400 * 86400 + 1 },
    { maxAge: '60' },
    { sameSite: 'lax; Domain=evil.com' },
    { sameSite: 'sometimes' },
    { sameSite: 'none', secure: false },
    { partitioned: true, secure: false },
    { secure: 'yes' },
    { httpOnly: 1 },
    { name: '__Host-s', secure: false },
    { name: '__Host-s', path: '/app' },
    { name: '__Host-s', domain: 'example.com' },
    { name: '__host-s', domain: 'example.com' },
    { name: '__HOST-s', secure: false },
    { name: '__Secure-s', secure: false },
    { name: '__secure-s', secure: false },
    null,
  ]
  for (const options of bad) {
    assert.throws(
      () => cookie(options as CookieOptions),
      (error: unknown) => error instanceof SessionError && error.code === 'ERR_SESSION_CONFIG',
      JSON.stringify(options),
    )
  }
  assert.throws(() => cookieAuthorization({ name: 'a;b' }), SessionError)
})

test('a valid __Host- cookie is accepted', () => {
  assert.equal(
    written({ name: '__Host-s' }),
    '__Host-s=tok; Path=/; Secure; HttpOnly; SameSite=Lax',
  )
})

test('name=value up to 4096 bytes is written; one byte more is ERR_SESSION_TOO_LARGE', () => {
  const fits = 'a'.repeat(4096 - 'session='.length)
  assert.ok(written({}, fits).startsWith(`session=${fits};`))
  assert.throws(
    () => written({}, `${fits}a`),
    (error: unknown) => error instanceof SessionError && error.code === 'ERR_SESSION_TOO_LARGE',
  )
})

test('a session too large for a cookie fails the wrapped handler with ERR_SESSION_TOO_LARGE', async () => {
  const handler = withSession(
    async (req: Request) => {
      ;(await getSession(req)).set('blob', 'x'.repeat(4000))
      return new Response('ok')
    },
    { codec: signedCodec({ secrets: SECRET }), ...cookie() },
  )
  await assert.rejects(handler(request()), (error: unknown) => {
    assert.ok(error instanceof SessionError)
    assert.equal(error.code, 'ERR_SESSION_TOO_LARGE')
    assert.doesNotMatch(error.message, /xxxx/)
    return true
  })
})

test('a token with characters a cookie cannot carry is ERR_SESSION_TOKEN, not a broken header', () => {
  for (const token of ['a;b', 'a b', 'a\r\nb', 'a,b', 'a"b', 'a\\b', 'é']) {
    assert.throws(
      () => written({}, token),
      (error: unknown) => error instanceof SessionError && error.code === 'ERR_SESSION_TOKEN',
      token,
    )
  }
})

test('the Cookie parser: several pairs, space and tab trimmed, quotes removed, nameless ignored', () => {
  const header = 'a=1;b=2 ;\tc = "3" ; =nameless; flag; d=x=y'
  assert.deepEqual(
    [...parseCookies(header)],
    [
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
      ['d', 'x=y'],
    ],
  )
  assert.equal(readCookie(header, 'c'), '3')
  assert.equal(readCookie(header, 'flag'), undefined)
  assert.equal(readCookie(header, ''), undefined)
  assert.equal(readCookie(null, 'a'), undefined)
})

test('the Cookie parser: the first of two cookies with one name wins', () => {
  assert.equal(readCookie('session=first; session=second', 'session'), 'first')
  assert.equal(parseCookies('session=first; session=second').get('session'), 'first')
})

test('the Cookie parser: U+00A0 around a name is not trimmed, so it cannot shadow a cookie', () => {
  assert.equal(readCookie('\u00a0session=evil; session=good', 'session'), 'good')
  assert.equal(readCookie('session\u00a0=evil', 'session'), undefined)
})

test('the Cookie parser keeps names out of Object.prototype', () => {
  const cookies = parseCookies('__proto__=x; constructor=y; toString=z')
  assert.equal(cookies.get('__proto__'), 'x')
  assert.equal(cookies.get('constructor'), 'y')
  assert.equal(Object.getPrototypeOf({}).x, undefined)
})

test('a request with two Cookie headers presents the token from either', async () => {
  const { handler } = counter()
  const jar = (await handler(request())).headers.get('set-cookie')!.split(';')[0]!
  const headers = new Headers()
  headers.append('cookie', 'theme=dark')
  headers.append('cookie', jar)
  const response = await handler(new Request('http://localhost/read', { headers }))
  assert.equal(await response.text(), '1')
})

test('a Cookie header joined with ", " (Deno and workerd join two that way) presents the token', async () => {
  const { handler } = counter()
  const jar = (await handler(request())).headers.get('set-cookie')!.split(';')[0]!
  assert.equal(
    await (await handler(request(`theme=dark, ${jar}`, {}, 'http://localhost/read'))).text(),
    '1',
  )
  assert.deepEqual(
    [...parseCookies('a=1, b=2;c=3')],
    [
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ],
  )
})

test('an empty cookie value counts as no token', () => {
  const auth = cookieAuthorization()
  assert.equal(auth.getToken(request('session=')), undefined)
  assert.equal(auth.getToken(request('other=1')), undefined)
  assert.equal(auth.getToken(request('session=abc')), 'abc')
})

test('cookie() pairs storage and authorization under one name', async () => {
  const { storage, authorization } = cookie({ name: 'sid' })
  const headers = new Headers()
  storage.persist(headers, 'tok', {})
  const pair = headers.get('set-cookie')!.split(';')[0]!
  assert.equal(authorization.getToken(request(pair)), 'tok')
})
