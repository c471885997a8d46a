/** jwtCodec's times: iat, sst, exp, nbf, idleTimeout, clock tolerance; and its claims: iss, aud. */
import assert from 'node:assert/strict'
import { compactVerify, decodeJwt, jwtVerify } from 'jose'
import { cookie, type DecodeError, SessionError } from '../../../src/index.ts'
import { utf8 } from '../../../src/lib/base64url.ts'
import { hs256, hsCodec, NOW, rejection, T0, verdict } from '../../fixtures/jwt.ts'
import { clock, counter, request, SECRET } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('jwtCodec')

test('tokens carry integer iat, sst and exp beside the data; encodeSession reports maxAge and the start', async () => {
  const time = clock(T0 + 500)
  const codec = hsCodec({ now: time.now, expiresIn: 3600 })
  const encoded = await codec.encodeSession({ user: 'ada' }, {})
  const { payload } = await compactVerify(encoded.token, utf8(SECRET))
  const claims = { user: 'ada', iat: NOW, sst: NOW, exp: NOW + 3600 }
  assert.deepEqual(JSON.parse(new TextDecoder().decode(payload)), claims)
  assert.equal(encoded.maxAge, 3600)
  assert.equal(encoded.started, NOW)
  assert.deepEqual(await codec.decode(encoded.token), { user: 'ada' })
})

test('maxAge is the same option as expiresIn; both at once is a config error', async () => {
  const time = clock()
  const token = await hsCodec({ now: time.now, maxAge: 3600 }).encode({})
  assert.equal((await hsCodec().decode(token)).exp, NOW + 3600)
  assert.throws(
    () => hsCodec({ maxAge: 60, expiresIn: 60 }),
    (error: unknown) => error instanceof SessionError && error.code === 'ERR_SESSION_CONFIG',
  )
})

test('re-issued tokens keep the session exp (absolute lifetime), regenerate starts anew', async () => {
  const time = clock()
  const codec = hsCodec({ now: time.now, expiresIn: 3600 })
  const first = await codec.encode({ n: 1 })
  time.advance(1000)
  const previous = await codec.decodeSession(first)
  const next = await codec.encodeSession({ ...previous.data, n: 2 }, { previous })
  const second = next.token
  assert.equal(next.maxAge, 2600)
  assert.equal(decodeJwt(second).exp, NOW + 3600)
  const fresh = await codec.encode({ n: 3 })
  assert.equal(decodeJwt(fresh).exp, NOW + 1000 + 3600)
})

test('idleTimeout: exp is the earlier of start + expiresIn and iat + idleTimeout, sst the start', async () => {
  const time = clock()
  const codec = hsCodec({ now: time.now, expiresIn: 3600, idleTimeout: 600 })
  const first = await codec.encodeSession({ user: 'ada' }, {})
  assert.deepEqual(decodeJwt(first.token), { user: 'ada', iat: NOW, sst: NOW, exp: NOW + 600 })
  assert.deepEqual(await codec.decode(first.token), { user: 'ada' })
  assert.equal(first.maxAge, 600)
  let token = first.token
  for (const step of [500, 1000, 1500, 2000, 2500, 3000]) {
    time.advance(500)
    const previous = await codec.decodeSession(token)
    assert.equal(previous.renew, true, `renewal due at ${step}`)
    assert.equal(previous.started, NOW, 'the session start survives every re-issue')
    const next = await codec.encodeSession(previous.data, { previous })
    token = next.token
    const exp = Math.min(NOW + 3600, NOW + step + 600)
    assert.deepEqual(decodeJwt(token), { user: 'ada', iat: NOW + step, sst: NOW, exp })
    assert.equal(next.maxAge, exp - NOW - step)
  }
  time.advance(599)
  assert.equal((await codec.decode(token)).user, 'ada')
  time.advance(1)
  assert.equal((await rejection(codec.decode(token))).reason, 'expired')
})

test('idleTimeout: refused at exactly iat + idleTimeout (exclusive, like exp); renewal from half', async () => {
  const time = clock()
  const codec = hsCodec({ now: time.now, idleTimeout: 600 })
  const token = await codec.encode({ user: 'ada' })
  const renewAt = async (seconds: number) => {
    time.advance(seconds - (time.now() - T0) / 1000)
    return (await codec.decodeSession(token)).renew
  }
  assert.equal(await renewAt(299), false)
  assert.equal(await renewAt(300), true)
  assert.equal(await renewAt(599), true)
  time.advance(1)
  assert.equal((await rejection(codec.decode(token))).reason, 'idle')
  // A token from elsewhere whose exp lies further out is still judged by its iat.
  const late = await hs256({ alg: 'HS256' }, JSON.stringify({ iat: NOW, exp: NOW + 86400 }))
  assert.equal((await rejection(codec.decode(late))).reason, 'idle')
})

test("clockTolerance extends exp and the idle deadline exactly as jose's clockTolerance does", async () => {
  for (const clockTolerance of [0, 30]) {
    for (const [expiresIn, idleTimeout] of [
      [3600, 600],
      [300, 600],
      [undefined, 600],
    ] as const) {
      const time = clock()
      const options = { now: time.now, expiresIn, idleTimeout, clockTolerance }
      const token = await hsCodec(options).encode({ user: 'ada' })
      const deadline = Math.min(expiresIn ?? Infinity, idleTimeout) + clockTolerance
      const what = `expiresIn ${expiresIn}, idleTimeout ${idleTimeout}, tolerance ${clockTolerance}`
      for (const at of [deadline - 1, deadline]) {
        const now = () => T0 + at * 1000
        const theirs = await verdict(
          jwtVerify(token, utf8(SECRET), { currentDate: new Date(now()), clockTolerance }),
        )
        const ours = await verdict(hsCodec({ ...options, now }).decode(token))
        assert.equal(theirs, at < deadline ? 'ok' : 'ERR_JWT_EXPIRED', `jose, ${what}, at ${at}`)
        const reason = expiresIn !== undefined && expiresIn < idleTimeout ? 'expired' : 'idle'
        assert.equal(ours, at < deadline ? 'ok' : reason, `ours, ${what}, at ${at}`)
      }
    }
  }
})

test('idleTimeout turned on later: tokens issued without it keep their start and are renewed', async () => {
  const time = clock()
  const before = await hsCodec({ now: time.now, expiresIn: 3600 }).encode({ n: 1 })
  time.advance(1000)
  const codec = hsCodec({ now: time.now, expiresIn: 3600, idleTimeout: 1800 })
  const previous = await codec.decodeSession(before)
  assert.equal(previous.started, NOW)
  assert.equal(previous.renew, true, 'iat is already more than half the window old')
  const after = (await codec.encodeSession(previous.data, { previous })).token
  assert.deepEqual(decodeJwt(after), { n: 1, iat: NOW + 1000, sst: NOW, exp: NOW + 2800 })
  assert.deepEqual(await codec.decode(after), { n: 1 })
  // And back: a codec without idleTimeout still judges the start from sst.
  const without = hsCodec({ now: time.now, expiresIn: 3600 })
  const token = await codec.encode({ n: 2 })
  assert.equal((await without.decodeSession(token)).started, NOW + 1000)
})

test('a token without sst (0.1, another issuer) started no later than its iat and exp allow', async () => {
  const time = clock()
  const codec = hsCodec({ now: time.now, expiresIn: 3600 })
  // 0.1 re-issued tokens kept exp = start + expiresIn and moved iat.
  const reissued = await hs256({ alg: 'HS256' }, JSON.stringify({ iat: NOW, exp: NOW + 600 }))
  assert.equal((await codec.decodeSession(reissued)).started, NOW - 3000)
  const foreign = await hs256({ alg: 'HS256' }, JSON.stringify({ iat: NOW - 10, exp: NOW + 3600 }))
  assert.equal((await codec.decodeSession(foreign)).started, NOW - 10)
  const timeless = await hs256({ alg: 'HS256' }, JSON.stringify({ a: 1 }))
  assert.equal((await hsCodec().decodeSession(timeless)).started, undefined)
})

test('sst without iat leaves the start unknown, so validAfter revokes the token at any time', async () => {
  const time = clock()
  const codec = hsCodec({ now: time.now })
  const cutOff = { value: undefined as number | undefined }
  const { handler, invalid } = counter({ codec, ...cookie() }, { validAfter: () => cutOff.value })
  const read = async (token: string) =>
    (await handler(request(`session=${token}`, {}, 'http://localhost/read'))).text()
  const ahead = await hs256({ alg: 'HS256' }, JSON.stringify({ count: 4, sst: NOW + 10 ** 6 }))
  const behind = await hs256({ alg: 'HS256' }, JSON.stringify({ count: 5, sst: NOW - 60 }))
  const stamped = await hs256(
    { alg: 'HS256' },
    JSON.stringify({ count: 6, sst: NOW - 60, iat: NOW - 30 }),
  )
  for (const token of [ahead, behind])
    assert.equal((await codec.decodeSession(token)).started, undefined)
  assert.equal((await codec.decodeSession(stamped)).started, NOW - 60)
  assert.deepEqual([await read(ahead), await read(behind), await read(stamped)], ['4', '5', '6'])
  // A user who logged out everywhere an hour before: none of these began before that, as far as
  // their times tell, but only the one with iat can tell.
  cutOff.value = T0 - 3600_000
  for (const step of [0, 86_400, 10 ** 7]) {
    time.advance(step)
    const seen = [await read(ahead), await read(behind), await read(stamped)]
    assert.deepEqual(seen, ['0', '0', '6'], `after ${step} s`)
  }
  assert.deepEqual(
    invalid.map((e) => e.reason),
    ['revoked', 'revoked', 'revoked', 'revoked', 'revoked', 'revoked'],
  )
})

test('idleTimeout: no iat is a claim error, a non-number sst malformed, sst after iat future', async () => {
  const codec = hsCodec({ idleTimeout: 600 })
  const cases: [object, DecodeError['reason']][] = [
    [{ exp: NOW + 60 }, 'claim'],
    [{ iat: NOW, sst: String(NOW) }, 'malformed'],
    [{ iat: NOW, sst: null }, 'malformed'],
    [{ iat: NOW - 10, sst: NOW }, 'future'],
  ]
  for (const [claims, reason] of cases) {
    const token = await hs256({ alg: 'HS256' }, JSON.stringify(claims))
    assert.equal((await rejection(codec.decode(token))).reason, reason, JSON.stringify(claims))
  }
  // sst is always ours now: a non-number is malformed with or without idleTimeout.
  const plain = await hs256({ alg: 'HS256' }, JSON.stringify({ sst: 'kept' }))
  assert.equal((await rejection(hsCodec().decode(plain))).reason, 'malformed')
})

test('exp, nbf and a foreign iat are judged at the clockTolerance boundaries, as in jose and PyJWT', async () => {
  const cases: [number, string, number, DecodeError['reason'] | 'ok'][] = [
    [0, 'exp', NOW, 'expired'],
    [0, 'exp', NOW + 1, 'ok'],
    [30, 'exp', NOW - 30, 'expired'],
    [30, 'exp', NOW - 29, 'ok'],
    [30, 'exp', NOW, 'ok'],
    [0, 'nbf', NOW, 'ok'],
    [0, 'nbf', NOW + 1, 'future'],
    [30, 'nbf', NOW + 30, 'ok'],
    [30, 'nbf', NOW + 31, 'future'],
    [0, 'iat', NOW, 'ok'],
    [0, 'iat', NOW + 1, 'future'],
    [30, 'iat', NOW + 30, 'ok'],
    [30, 'iat', NOW + 31, 'future'],
  ]
  for (const [clockTolerance, claim, value, expected] of cases) {
    const codec = hsCodec({ clockTolerance, now: () => T0 + 999 })
    const token = await hs256({ alg: 'HS256' }, JSON.stringify({ [claim]: value }))
    const what = `${claim} ${value - NOW} with tolerance ${clockTolerance}`
    if (expected === 'ok') assert.equal((await codec.decode(token))[claim], value, what)
    else assert.equal((await rejection(codec.decode(token))).reason, expected, what)
  }
})

test('fractional NumericDates are judged against the unrounded clock, as PyJWT does', async () => {
  const at = (ms: number) => hsCodec({ clockTolerance: 0, now: () => T0 + ms })
  const exp = await hs256({ alg: 'HS256' }, JSON.stringify({ exp: NOW + 0.5 }))
  const nbf = await hs256({ alg: 'HS256' }, JSON.stringify({ nbf: NOW + 0.5 }))
  assert.equal((await at(499).decode(exp)).exp, NOW + 0.5)
  assert.equal((await rejection(at(500).decode(exp))).reason, 'expired')
  assert.equal((await rejection(at(499).decode(nbf))).reason, 'future')
  assert.equal((await at(500).decode(nbf)).nbf, NOW + 0.5)
})

test('exp as a string, null, 1e400 or an object is malformed, never accepted', async () => {
  for (const exp of ['"9999999999"', 'null', '1e400', '-1e400', '{}', '[]', 'true']) {
    const token = await hs256({ alg: 'HS256' }, `{"exp":${exp}}`)
    assert.equal((await rejection(hsCodec().decode(token))).reason, 'malformed', exp)
  }
})

test('a payload that is not a JSON object is rejected after the signature checks out', async () => {
  for (const payload of ['[]', '"text"', '42', 'null', '{"a":1', '']) {
    const token = await hs256({ alg: 'HS256' }, payload)
    const error = await rejection(hsCodec().decode(token))
    assert.equal(error.reason, 'malformed')
    assert.equal(error.message, 'the JWT payload is not a JSON object')
  }
})

test('audience: one must match; aud [] or a wrong aud is rejected; unexpected aud too', async () => {
  const codec = hsCodec({ audience: 'api' })
  const cases: [unknown, boolean][] = [
    ['api', true],
    [['web', 'api'], true],
    [[], false],
    ['web', false],
    [['web'], false],
    [[1], false],
    [undefined, false],
  ]
  for (const [aud, ok] of cases) {
    const token = await hs256({ alg: 'HS256' }, JSON.stringify({ aud }))
    if (ok) assert.deepEqual((await codec.decode(token)).aud, aud)
    else assert.equal((await rejection(codec.decode(token))).reason, 'claim', String(aud))
  }
  const forOthers = await hs256({ alg: 'HS256' }, '{"aud":"api"}')
  assert.equal((await rejection(hsCodec().decode(forOthers))).reason, 'claim')
  const issued = await codec.encode({ a: 1 })
  assert.equal(decodeJwt(issued).aud, 'api')
  assert.deepEqual(await codec.decode(issued), { a: 1 }, 'the aud the codec wrote is not data')
})

test('issuer: a wrong or missing iss is rejected', async () => {
  const codec = hsCodec({ issuer: ['https://a.example', 'https://b.example'] })
  const good = await hs256({ alg: 'HS256' }, '{"iss":"https://b.example"}')
  assert.equal((await codec.decode(good)).iss, 'https://b.example')
  for (const payload of ['{"iss":"https://c.example"}', '{}', '{"iss":["https://a.example"]}']) {
    const token = await hs256({ alg: 'HS256' }, payload)
    assert.equal((await rejection(codec.decode(token))).reason, 'claim', payload)
  }
  const issued = await codec.encode({})
  assert.equal(decodeJwt(issued).iss, 'https://a.example')
  assert.deepEqual(await codec.decode(issued), {}, 'the iss the codec wrote is not data')
})

test('with expiresIn, a token without exp is rejected', async () => {
  const token = await hs256({ alg: 'HS256' }, '{"user":"ada"}')
  assert.equal((await hsCodec().decode(token)).user, 'ada')
  assert.equal((await rejection(hsCodec({ expiresIn: 60 }).decode(token))).reason, 'claim')
})
