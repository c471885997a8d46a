/**
 * jwtCodec keeps the data the data, as the seed package's JWT backend does: its own `iat`, `sst`
 * and `sma` travel beside it; a foreign issuer's claims are data; an `exp` in the data sets the
 * cookie's lifetime. Its leeway (`clockTolerance`) means jose's and PyJWT's.
 */
import assert from 'node:assert/strict'
import { decodeJwt } from 'jose'
import { cookie, getSession, type JwsAlgorithm, withSession } from '../../../src/index.ts'
import { hs256, hsCodec, NOW, rejection, T0 } from '../../fixtures/jwt.ts'
import { clock, nextCookie, request } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('jwtCodec data')

for (const alg of ['HS256', 'HS384', 'HS512'] as JwsAlgorithm[]) {
  test(`${alg}: decode(encode(x)) deep-equals x; the token carries iat and sst beside it`, async () => {
    const codec = hsCodec({ algorithms: [alg] })
    for (const data of [
      { test: 'data' },
      {},
      { user: 'ada', nested: { list: [1, 'two', null] } },
    ]) {
      const token = await codec.encode(data)
      assert.deepEqual(await codec.decode(token), data)
      const claims = decodeJwt(token)
      assert.equal(typeof claims.iat, 'number')
      assert.equal(typeof claims.sst, 'number')
    }
  })
}

test('a handler sees what it set, with no iat, sst or sma, on the next request too', async () => {
  const time = clock()
  const codec = hsCodec({ now: time.now })
  const seen: Record<string, unknown>[] = []
  const handler = withSession(
    async (req: Request) => {
      const session = await getSession(req)
      seen.push(session.toJSON())
      if (new URL(req.url).pathname === '/login') {
        session.set('user', 'ada')
        session.setMaxAge(600)
      }
      return new Response('ok')
    },
    { codec, ...cookie({ name: 'session' }) },
  )
  const first = await handler(request('', {}, 'http://localhost/login'))
  time.advance(100)
  await handler(request(nextCookie(first)))
  assert.deepEqual(seen, [{}, { user: 'ada' }])
})

test("another issuer's claims are data, times included", async () => {
  const claims = { sub: 'ada', iat: NOW - 10, exp: NOW + 60, iss: 'https://idp.example' }
  const token = await hs256({ alg: 'HS256' }, JSON.stringify(claims))
  assert.deepEqual(await hsCodec({ now: () => T0 }).decode(token), claims)
})

test('an nbf one second ahead is refused with default options, as PyJWT and jose refuse it', async () => {
  const token = await hs256({ alg: 'HS256' }, JSON.stringify({ nbf: NOW + 1 }))
  assert.equal((await rejection(hsCodec({ now: () => T0 }).decode(token))).reason, 'future')
  const iat = await hs256({ alg: 'HS256' }, JSON.stringify({ iat: NOW + 1 }))
  assert.equal((await rejection(hsCodec({ now: () => T0 }).decode(iat))).reason, 'future')
})

test('clockTolerance 30: a token 10 s past exp is accepted, one 31 s past refused', async () => {
  const token = await hs256({ alg: 'HS256' }, JSON.stringify({ user: 'ada', exp: NOW }))
  const at = (seconds: number) => hsCodec({ clockTolerance: 30, now: () => T0 + seconds * 1000 })
  assert.deepEqual(await at(10).decode(token), { user: 'ada', exp: NOW })
  assert.equal((await rejection(at(31).decode(token))).reason, 'expired')
  assert.equal((await rejection(hsCodec({ now: () => T0 }).decode(token))).reason, 'expired')
})

test("clockSkew forgives the codec's own iat and sst ahead of the clock, 5 s by default", async () => {
  const token = await hsCodec({ now: () => T0 + 5000 }).encode({ a: 1 })
  assert.deepEqual(await hsCodec({ now: () => T0 }).decode(token), { a: 1 })
  const skewed = hsCodec({ now: () => T0, clockSkew: 0 })
  assert.equal((await rejection(skewed.decode(token))).reason, 'future')
  const ahead = await hsCodec({ now: () => T0 + 6000 }).encode({ a: 1 })
  assert.equal((await rejection(hsCodec({ now: () => T0 }).decode(ahead))).reason, 'future')
})

test('an exp in the data without maxAge gives the cookie Max-Age = exp - now', async () => {
  const time = clock()
  const handler = withSession(
    async (req: Request) => {
      const session = await getSession(req)
      session.set('exp', NOW + 3600)
      return new Response('ok')
    },
    { codec: hsCodec({ now: time.now }), ...cookie({ name: 'session' }) },
  )
  const response = await handler(request())
  assert.match(response.headers.get('set-cookie') ?? '', /Max-Age=3600(;|$)/)
  const token = /session=([^;]+)/.exec(response.headers.get('set-cookie')!)![1]!
  assert.equal(
    (await rejection(hsCodec({ now: () => T0 + 3600_000 }).decode(token))).reason,
    'expired',
  )
})

test('with maxAge the codec owns exp: the data never holds it', async () => {
  const codec = hsCodec({ now: () => T0, maxAge: 600 })
  const token = await codec.encode({ user: 'ada' })
  assert.equal(decodeJwt(token).exp, NOW + 600)
  assert.deepEqual(await codec.decode(token), { user: 'ada' })
})
