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

test('an onInvalid that answers the request gets its own response, with no clearing added', async () => {
  const answer = new Response('sign in again', { status: 401 })
  const { handler } = counter({ codec, ...cookie() }, { onInvalid: () => answer })
  const response = await handler(request('session=not-a-token'))
  assert.equal(response, answer)
  assert.equal(response.headers.get('set-cookie'), null)
})
