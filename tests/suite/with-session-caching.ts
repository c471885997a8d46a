/** What a response that carries a token tells caches, and how a bad token is cleared. */
import assert from 'node:assert/strict'
import {
  bearerAuthorization,
  cookie,
  type DecodeError,
  getSession,
  headerAuthorization,
  headerStorage,
  type SessionBackends,
  signedCodec,
  withSession,
} from '../../src/index.ts'
import { counter, nextCookie, request, SECRET } from '../fixtures/suite.ts'
import { suite } from '../harness.ts'

const test = suite('withSession caching')

const codec = signedCodec({ secrets: SECRET })

/** A handler that writes the session and answers with the given Cache-Control. */
function caching(control: string | undefined, backends: SessionBackends = { codec, ...cookie() }) {
  return withSession(async (req: Request) => {
    ;(await getSession(req)).set('user', 'ada')
    return new Response(
      'page',
      control === undefined ? {} : { headers: { 'cache-control': control } },
    )
  }, backends)
}

test('a response that carries a token is never cacheable by a shared cache', async () => {
  for (const [given, sent] of [
    [undefined, 'private, no-store'],
    ['public, max-age=3600', 'private, no-store'],
    ['max-age=3600', 'private, no-store'],
    ['s-maxage=60', 'private, no-store'],
    ['private, s-maxage=60', 'private, no-store'],
    ['PUBLIC', 'private, no-store'],
    ['private, max-age=60', 'private, max-age=60'],
    ['max-age=600, private="x"', 'private, no-store'],
    ['private="set-cookie", s-maxage=60', 'private, no-store'],
    ['no-store', 'no-store'],
    ['no-cache, no-store, must-revalidate', 'no-cache, no-store, must-revalidate'],
  ] as const) {
    const response = await caching(given)(request())
    assert.match(response.headers.get('set-cookie') ?? '', /^session=/)
    assert.equal(response.headers.get('cache-control'), sent, String(given))
  }
})

test('Vary names the header the token came in: Cookie, Authorization or a header of its own', async () => {
  const cases: [SessionBackends, string][] = [
    [{ codec, ...cookie() }, 'Cookie'],
    [{ codec, storage: headerStorage(), authorization: bearerAuthorization() }, 'Authorization'],
    [
      {
        codec,
        storage: headerStorage({ header: 'x-session' }),
        authorization: headerAuthorization({ header: 'x-session' }),
      },
      'x-session',
    ],
  ]
  for (const [backends, header] of cases) {
    const handler = withSession(async (req: Request) => {
      ;(await getSession(req)).set('user', 'ada')
      return new Response('page', { headers: { vary: 'Accept-Encoding' } })
    }, backends)
    const vary = (await handler(request())).headers.get('vary') ?? ''
    assert.ok(
      vary
        .split(',')
        .map((item) => item.trim().toLowerCase())
        .includes(header.toLowerCase()),
      `${header} in ${vary}`,
    )
    assert.match(vary, /^Accept-Encoding, /, 'the handler’s own Vary stays first')
  }
})

test('a token that does not decode is cleared once, so onInvalid does not hear it again', async () => {
  const { handler, invalid } = counter({ codec, ...cookie() })
  const read = (jar: string) => handler(request(jar, {}, 'http://localhost/read'))
  const first = await read('other=1; session=not-a-token')
  assert.match(first.headers.get('set-cookie') ?? '', /^session=; Max-Age=0/)
  const jar = nextCookie(first, 'other=1; session=not-a-token')
  assert.equal(jar, 'other=1')
  const second = await read(jar)
  assert.equal(second.headers.get('set-cookie'), null)
  assert.deepEqual(
    invalid.map((error: DecodeError) => error.reason),
    ['malformed'],
  )
})

test("a CDN's own cache header on a token-carrying response is turned to no-store", async () => {
  const handler = withSession(
    async (req: Request) => {
      ;(await getSession(req)).set('user', 'ada')
      return new Response('page', {
        headers: {
          'cache-control': 'private, max-age=60',
          'cdn-cache-control': 'max-age=600',
          'cloudflare-cdn-cache-control': 'max-age=600',
          'surrogate-control': 'max-age=600',
          'x-cache-control': 'max-age=1',
        },
      })
    },
    { codec, ...cookie() },
  )
  const response = await handler(request())
  assert.match(response.headers.get('set-cookie') ?? '', /^session=/)
  assert.equal(response.headers.get('cache-control'), 'private, max-age=60')
  assert.equal(response.headers.get('cdn-cache-control'), 'no-store')
  assert.equal(response.headers.get('cloudflare-cdn-cache-control'), 'no-store')
  assert.equal(response.headers.get('surrogate-control'), 'no-store')
  assert.equal(response.headers.get('x-cache-control'), 'max-age=1', 'other headers are left')
  const untouched = await withSession(
    () => new Response('page', { headers: { 'cdn-cache-control': 'max-age=600' } }),
    { codec, ...cookie() },
  )(request())
  assert.equal(untouched.headers.get('cdn-cache-control'), 'max-age=600', 'no token, no change')
})

test("planted copies of an unprefixed name never clear the victim's own cookie", async () => {
  const login = await caching(undefined)(request())
  const own = nextCookie(login)
  for (const name of ['session', '__Secure-session']) {
    const backends = { codec, ...cookie({ name }) }
    const victim = own.replace(/^session=/, `${name}=`)
    const planted = Array.from({ length: 4 }, (_, i) => `${name}=planted${i}`).join('; ')
    const { handler, invalid } = counter(backends)
    const response = await handler(request(`${planted}; ${victim}`, {}, 'https://localhost/read'))
    assert.equal(response.headers.get('set-cookie'), null, `${name}: nothing cleared`)
    assert.deepEqual(
      invalid.map((error: DecodeError) => error.reason),
      ['malformed'],
      `${name}: onInvalid still hears of it`,
    )
    const lone = await handler(request(`${name}=stale`, {}, 'https://localhost/read'))
    assert.match(lone.headers.get('set-cookie') ?? '', new RegExp(`^${name}=; Max-Age=0`))
  }
})

test('an onInvalid that answers the request gets its own response, with no clearing added', async () => {
  const answer = new Response('sign in again', { status: 401 })
  const { handler } = counter({ codec, ...cookie() }, { onInvalid: () => answer })
  const response = await handler(request('session=not-a-token'))
  assert.equal(response, answer)
  assert.equal(response.headers.get('set-cookie'), null)
})
