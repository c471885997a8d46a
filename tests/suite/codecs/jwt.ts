/** jwtCodec: signed JWTs on jose, stricter than jose about shape, keys and claims. */
import assert from 'node:assert/strict'
import { CompactSign, compactVerify, exportJWK, generateKeyPair, jwtVerify } from 'jose'
import {
  cookie,
  DecodeError,
  type JwsAlgorithm,
  type JwtCodecOptions,
  jwtCodec,
  SessionError,
} from '../../../src/index.ts'
import { decodeBase64url, encodeBase64url, utf8 } from '../../../src/lib/base64url.ts'
import { clock, counter, nextCookie, request, SECRET } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('jwtCodec')

const T0 = Date.UTC(2026, 0, 1)
const NOW = T0 / 1000

/** A JWK as a key store hands it out: without the alg, key_ops and ext that WebCrypto adds. */
function bare(jwk: JsonWebKey): JsonWebKey {
  const { alg: _a, key_ops: _k, ext: _e, ...rest } = jwk
  return rest
}

function publicPart(jwk: JsonWebKey): JsonWebKey {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...rest } = jwk
  return rest
}

let keyMaterial:
  | Promise<Record<'rsa' | 'p256' | 'p384' | 'p521' | 'ed25519', JsonWebKey>>
  | undefined
/** Private JWKs, generated once for the whole file (RSA generation is slow). */
function privateJwks() {
  keyMaterial ??= (async () => {
    const jwk = async (alg: string) =>
      bare(await exportJWK((await generateKeyPair(alg, { extractable: true })).privateKey))
    const [rsa, p256, p384, p521, ed25519] = await Promise.all(
      ['RS256', 'ES256', 'ES384', 'ES512', 'Ed25519'].map(jwk),
    )
    return { rsa: rsa!, p256: p256!, p384: p384!, p521: p521!, ed25519: ed25519! }
  })()
  return keyMaterial
}

async function jwkFor(alg: JwsAlgorithm): Promise<JsonWebKey> {
  const keys = await privateJwks()
  if (alg.startsWith('RS') || alg.startsWith('PS')) return keys.rsa
  if (alg === 'ES256') return keys.p256
  if (alg === 'ES384') return keys.p384
  if (alg === 'ES512') return keys.p521
  return keys.ed25519
}

/** A compact JWS over any payload text (even JSON jose would never write), HMAC-SHA256. */
async function hs256(header: object, payload: string, secret = SECRET): Promise<string> {
  const input = `${encodeBase64url(utf8(JSON.stringify(header)))}.${encodeBase64url(utf8(payload))}`
  const key = await crypto.subtle.importKey(
    'raw',
    utf8(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  const tag = new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8(input)))
  return `${input}.${encodeBase64url(tag)}`
}

function headerOf(token: string): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(decodeBase64url(token.split('.')[0]!)))
}

async function rejection(promise: unknown): Promise<DecodeError> {
  try {
    await promise
  } catch (error) {
    assert.ok(error instanceof DecodeError, `expected a DecodeError, got ${String(error)}`)
    return error
  }
  assert.fail('the token was accepted')
}

/** 'ok', or what a rejection says: a DecodeError's reason, a jose error's code. */
async function verdict(promise: unknown): Promise<string> {
  try {
    await promise
    return 'ok'
  } catch (error) {
    return error instanceof DecodeError ? error.reason : String((error as { code?: string }).code)
  }
}

function configError(options: unknown): void {
  assert.throws(
    () => jwtCodec(options as JwtCodecOptions),
    (error: unknown) => error instanceof SessionError && error.code === 'ERR_SESSION_CONFIG',
  )
}

const hsCodec = (options: Partial<JwtCodecOptions> = {}) =>
  jwtCodec({ key: SECRET, algorithms: ['HS256'], now: () => T0, ...options })

const ALL: JwsAlgorithm[] = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
]

for (const alg of ALL) {
  test(`${alg}: a session survives a round trip through cookies`, async () => {
    const key = alg.startsWith('HS') ? SECRET : await jwkFor(alg)
    const { handler, invalid } = counter({
      codec: jwtCodec({ key, algorithms: [alg] }),
      ...cookie(),
    })
    const first = await handler(request())
    const jar = nextCookie(first)
    const token = jar.slice('session='.length)
    assert.deepEqual(headerOf(token), { alg })
    const second = await handler(request(jar))
    assert.equal(await second.text(), '2')
    assert.equal(invalid.length, 0)
  })
}

test('a private CryptoKey, a key pair and a private JWK sign tokens the public JWK verifies', async () => {
  const pair = await generateKeyPair('ES256', { extractable: true })
  const jwk = bare(await exportJWK(pair.privateKey))
  const verifier = jwtCodec({ key: publicPart(jwk), algorithms: ['ES256'] })
  for (const key of [pair.privateKey, pair, jwk]) {
    const token = await jwtCodec({ key, algorithms: ['ES256'] }).encode({ n: 1 })
    assert.equal((await verifier.decode(token)).n, 1)
  }
})

test('a codec with only a public key verifies but refuses to issue tokens', async () => {
  const jwk = await jwkFor('RS256')
  const token = await jwtCodec({ key: jwk, algorithms: ['RS256'] }).encode({ user: 'ada' })
  const verifier = jwtCodec({ key: publicPart(jwk), algorithms: ['RS256'] })
  assert.equal((await verifier.decode(token)).user, 'ada')
  await assert.rejects(
    async () => verifier.encode({ user: 'ada' }),
    (error: unknown) => error instanceof SessionError && error.code === 'ERR_SESSION_CONFIG',
  )
})

test('keys are imported at most once, not per request', async () => {
  const jwk = await jwkFor('PS256')
  const token = await jwtCodec({ key: jwk, algorithms: ['PS256'] }).encode({ a: 1 })
  const codec = jwtCodec({ key: publicPart(jwk), algorithms: ['PS256'] })
  const subtle = crypto.subtle
  const { importKey } = subtle
  let imports = 0
  subtle.importKey = function (this: SubtleCrypto, ...args: unknown[]) {
    imports++
    return (importKey as (...a: unknown[]) => Promise<CryptoKey>).apply(this, args)
  } as SubtleCrypto['importKey']
  try {
    await Promise.all([codec.decode(token), codec.decode(token)])
    for (let i = 0; i < 5; i++) await codec.decode(token)
  } finally {
    subtle.importKey = importKey
  }
  // At most once: the process-wide cache may hold this key from an earlier test already.
  assert.ok(imports <= 1, `${imports} imports`)
})

test('tokens carry integer iat, sst and exp; encodeSession reports maxAge and the start', async () => {
  const time = clock(T0 + 500)
  const codec = hsCodec({ now: time.now, expiresIn: 3600 })
  const encoded = await codec.encodeSession({ user: 'ada' }, {})
  const { payload } = await compactVerify(encoded.token, utf8(SECRET))
  const claims = { user: 'ada', iat: NOW, sst: NOW, exp: NOW + 3600 }
  assert.deepEqual(JSON.parse(new TextDecoder().decode(payload)), claims)
  assert.equal(encoded.maxAge, 3600)
  assert.equal(encoded.started, NOW)
  assert.deepEqual(await codec.decode(encoded.token), claims)
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
  assert.equal((await codec.decode(second)).exp, NOW + 3600)
  const fresh = await codec.encode({ n: 3 })
  assert.equal((await codec.decode(fresh)).exp, NOW + 1000 + 3600)
})

test('idleTimeout: exp is the earlier of start + expiresIn and iat + idleTimeout, sst the start', async () => {
  const time = clock()
  const codec = hsCodec({ now: time.now, expiresIn: 3600, idleTimeout: 600 })
  const first = await codec.encodeSession({ user: 'ada' }, {})
  assert.deepEqual(await codec.decode(first.token), {
    user: 'ada',
    iat: NOW,
    sst: NOW,
    exp: NOW + 600,
  })
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
    assert.deepEqual(await codec.decode(token), { user: 'ada', iat: NOW + step, sst: NOW, exp })
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

test('jose judges exp on idleTimeout tokens as the codec does; clockTolerance never extends exp', async () => {
  for (const clockTolerance of [0, 30]) {
    for (const [expiresIn, idleTimeout] of [
      [3600, 600],
      [300, 600],
      [undefined, 600],
    ] as const) {
      const time = clock()
      const options = { now: time.now, expiresIn, idleTimeout, clockTolerance }
      const token = await hsCodec(options).encode({ user: 'ada' })
      const deadline = Math.min(expiresIn ?? Infinity, idleTimeout)
      const what = `expiresIn ${expiresIn}, idleTimeout ${idleTimeout}, tolerance ${clockTolerance}`
      for (const at of [deadline - 1, deadline]) {
        const now = () => T0 + at * 1000
        // jose's leeway also extends exp; ours absorbs skew in times ahead of the clock only.
        const theirs = await verdict(
          jwtVerify(token, utf8(SECRET), { currentDate: new Date(now()), clockTolerance: 0 }),
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
  const after = await codec.decode((await codec.encodeSession(previous.data, { previous })).token)
  assert.deepEqual(after, { n: 1, iat: NOW + 1000, sst: NOW, exp: NOW + 2800 })
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

test('a verify-only codec never asks to renew a token it cannot issue', async () => {
  const jwk = await jwkFor('ES256')
  const time = clock()
  const token = await jwtCodec({
    key: jwk,
    algorithms: ['ES256'],
    idleTimeout: 600,
    now: time.now,
  }).encode({ a: 1 })
  time.advance(500)
  const verifier = jwtCodec({
    key: publicPart(jwk),
    algorithms: ['ES256'],
    idleTimeout: 600,
    now: time.now,
  })
  const decoded = await verifier.decodeSession(token)
  assert.equal(decoded.data.a, 1)
  assert.equal(decoded.renew, false)
})

test('tampered, truncated, garbage and wrong-key tokens give an empty session and onInvalid', async () => {
  const codec = jwtCodec({ key: SECRET, algorithms: ['HS256'] })
  const { handler, invalid } = counter({ codec, ...cookie() })
  const token = nextCookie(await handler(request())).slice('session='.length)
  const [h, p, s] = token.split('.') as [string, string, string]
  const forged = await jwtCodec({ key: `${SECRET}!`, algorithms: ['HS256'] }).encode({})
  const cases: [string, DecodeError['reason']][] = [
    [`${h}.${p}.${s.slice(0, -2)}${s.at(-2) === 'A' ? 'B' : 'A'}${s.at(-1)}`, 'signature'],
    [`${h}.${encodeBase64url(utf8('{"count":99}'))}.${s}`, 'signature'],
    [`${h}.${p}.${s.slice(0, 20)}`, 'signature'],
    [`${h}.${p}.${s.slice(0, 21)}`, 'malformed'],
    [`${h}.${p}`, 'malformed'],
    [`${h}.${p}.${s}.`, 'malformed'],
    ['garbage', 'malformed'],
    ['a.b.c', 'malformed'],
    ['...', 'malformed'],
    [forged, 'signature'],
  ]
  for (const [bad, reason] of cases) {
    const response = await handler(request(`session=${bad}`, {}, 'http://localhost/read'))
    assert.equal(await response.text(), '0', bad)
    assert.equal(invalid.at(-1)?.reason, reason, bad)
  }
  assert.equal(invalid.length, cases.length)
})

test("'none' is refused in any casing, in the config and in a token", async () => {
  for (const none of ['none', 'None', 'NONE', 'nOnE']) {
    configError({ key: SECRET, algorithms: [none] })
    configError({ key: SECRET, algorithms: ['HS256', none] })
    const token = `${encodeBase64url(utf8(JSON.stringify({ alg: none })))}.${encodeBase64url(utf8('{"admin":true}'))}.`
    assert.equal((await rejection(hsCodec().decode(token))).reason, 'claim')
  }
})

test('HS256 signed with the RSA public key (algorithm confusion) is rejected', async () => {
  const jwk = publicPart(await jwkFor('RS256'))
  const codec = jwtCodec({ key: jwk, algorithms: ['RS256'] })
  for (const secret of [JSON.stringify(jwk), jwk.n!]) {
    const token = await hs256({ alg: 'HS256' }, '{"admin":true}', secret)
    assert.equal((await rejection(codec.decode(token))).reason, 'claim')
  }
  // Allowing both families for one key is refused outright.
  configError({ key: jwk, algorithms: ['RS256', 'HS256'] })
})

test('an algorithm outside the allow-list is rejected even with the right key', async () => {
  const hs384 = await jwtCodec({ key: SECRET, algorithms: ['HS384'] }).encode({ a: 1 })
  assert.equal((await rejection(hsCodec().decode(hs384))).reason, 'claim')
})

test('kid picks among configured keys only; hostile kids are rejected', async () => {
  const keys = { current: SECRET, previous: `${SECRET}-old` }
  const codec = jwtCodec({ keys, algorithms: ['HS256'] })
  const token = await codec.encode({ a: 1 })
  assert.equal(headerOf(token).kid, 'current')
  const old = await jwtCodec({ keys: { previous: keys.previous }, algorithms: ['HS256'] }).encode({
    a: 2,
  })
  const decodedOld = await codec.decodeSession(old)
  assert.equal(decodedOld.data.a, 2)
  assert.equal(decodedOld.renew, true, 'a token under an older key is issued again')
  assert.equal((await codec.decodeSession(token)).renew, false)
  const wrongKid = await hs256({ alg: 'HS256', kid: 'previous' }, '{"a":3}', keys.current)
  assert.equal((await rejection(codec.decode(wrongKid))).reason, 'signature')
  for (const kid of [
    '__proto__',
    'constructor',
    'toString',
    '../../etc/passwd',
    '',
    'x'.repeat(4000),
  ]) {
    const bad = await hs256({ alg: 'HS256', kid }, '{"a":4}', keys.current)
    assert.equal((await rejection(codec.decode(bad))).reason, 'signature', kid.slice(0, 20))
  }
  for (const kid of [1, null, {}, ['current'], true]) {
    const bad = await hs256({ alg: 'HS256', kid }, '{"a":5}', keys.current)
    assert.equal((await rejection(codec.decode(bad))).reason, 'malformed', String(kid))
  }
  const noKid = await hs256({ alg: 'HS256' }, '{"a":6}', keys.current)
  assert.equal((await rejection(codec.decode(noKid))).reason, 'signature')
})

test('a JWK set mixing RSA and EC keys picks the key by kid and its own algorithms', async () => {
  const { rsa, p256 } = await privateJwks()
  const keys = [
    { ...publicPart(rsa), kid: 'rsa' },
    { ...publicPart(p256), kid: 'ec' },
  ]
  const verifier = jwtCodec({ keys, algorithms: ['RS256', 'ES256'] })
  const signer = (kid: string, jwk: JsonWebKey, alg: JwsAlgorithm) =>
    jwtCodec({ keys: [{ ...jwk, kid }], algorithms: [alg] })
  const fromEc = await signer('ec', p256, 'ES256').encode({ via: 'ec' })
  assert.equal(headerOf(fromEc).kid, 'ec')
  assert.equal((await verifier.decode(fromEc)).via, 'ec')
  const fromRsa = await signer('rsa', rsa, 'RS256').encode({ via: 'rsa' })
  assert.equal((await verifier.decode(fromRsa)).via, 'rsa')
  // The EC key under the RSA kid: the kid's key does not do ES256.
  const misfiled = await signer('rsa', p256, 'ES256').encode({ via: 'ec' })
  assert.equal((await rejection(verifier.decode(misfiled))).reason, 'claim')
  await assert.rejects(
    async () => verifier.encode({}),
    (error: unknown) => error instanceof SessionError && error.code === 'ERR_SESSION_CONFIG',
  )
})

test('embedded jwk, jku, x5u and x5c headers are never used to verify', async () => {
  const ours = await jwkFor('RS256')
  const attacker = await generateKeyPair('RS256', { extractable: true })
  const attackerJwk = publicPart(bare(await exportJWK(attacker.publicKey)))
  const codec = jwtCodec({ key: publicPart(ours), algorithms: ['RS256'] })
  for (const extra of [
    { jwk: attackerJwk },
    { jku: 'https://attacker.example/jwks.json' },
    { x5u: 'https://attacker.example/cert.pem' },
    { x5c: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'] },
  ]) {
    const token = await new CompactSign(utf8('{"admin":true}'))
      .setProtectedHeader({ alg: 'RS256', ...extra })
      .sign(attacker.privateKey)
    assert.equal((await rejection(codec.decode(token))).reason, 'signature')
  }
})

test('an unknown crit header is rejected', async () => {
  const token = await hs256({ alg: 'HS256', crit: ['exp-policy'], 'exp-policy': 1 }, '{"a":1}')
  assert.equal((await rejection(hsCodec().decode(token))).reason, 'malformed')
})

test('nbf and iat are judged at the clockTolerance boundaries; exp never is', async () => {
  const cases: [number, string, number, DecodeError['reason'] | 'ok'][] = [
    [0, 'exp', NOW, 'expired'],
    [0, 'exp', NOW + 1, 'ok'],
    [30, 'exp', NOW, 'expired'],
    [30, 'exp', NOW + 1, 'ok'],
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
  assert.equal((await codec.decode(issued)).aud, 'api')
})

test('issuer: a wrong or missing iss is rejected', async () => {
  const codec = hsCodec({ issuer: ['https://a.example', 'https://b.example'] })
  const good = await hs256({ alg: 'HS256' }, '{"iss":"https://b.example"}')
  assert.equal((await codec.decode(good)).iss, 'https://b.example')
  for (const payload of ['{"iss":"https://c.example"}', '{}', '{"iss":["https://a.example"]}']) {
    const token = await hs256({ alg: 'HS256' }, payload)
    assert.equal((await rejection(codec.decode(token))).reason, 'claim', payload)
  }
  assert.equal((await codec.decode(await codec.encode({}))).iss, 'https://a.example')
})

test('with expiresIn, a token without exp is rejected', async () => {
  const token = await hs256({ alg: 'HS256' }, '{"user":"ada"}')
  assert.equal((await hsCodec().decode(token)).user, 'ada')
  assert.equal((await rejection(hsCodec({ expiresIn: 60 }).decode(token))).reason, 'claim')
})

test('non-canonical base64url that jose alone accepts is malformed', async () => {
  const token = await hsCodec().encode({ a: 1 })
  const [h, p, s] = token.split('.') as [string, string, string]
  // 32 bytes leave 2 unused bits in the last character: set one, the bytes stay the same.
  const last = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const sloppy = `${h}.${p}.${s.slice(0, -1)}${last[last.indexOf(s.at(-1)!) + 1]}`
  await compactVerify(sloppy, utf8(SECRET))
  assert.equal((await rejection(hsCodec().decode(sloppy))).reason, 'malformed')
  for (const bad of [`${h} .${p}.${s}`, `${h}.${p}=.${s}`, `${h}.${p}.${s}=`, `${h}.+${p}.${s}`]) {
    assert.equal((await rejection(hsCodec().decode(bad))).reason, 'malformed')
  }
})

test('oversized tokens and 100,000 dots are refused before any parsing', async () => {
  const started = Date.now()
  for (const bad of ['.'.repeat(100_000), `${'a'.repeat(16_385)}.b.c`]) {
    assert.equal((await rejection(hsCodec().decode(bad))).reason, 'malformed')
  }
  assert.ok(Date.now() - started < 1000)
})

test('config errors throw at construction', async () => {
  const { rsa } = await privateJwks()
  const small = await crypto.subtle.generateKey(
    {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 1024,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    true,
    ['sign', 'verify'],
  )
  const unextractable = await generateKeyPair('ES256')
  for (const options of [
    undefined,
    {},
    { key: SECRET },
    { key: SECRET, algorithms: [] },
    { key: SECRET, algorithms: 'HS256' },
    { key: SECRET, algorithms: ['HS999'] },
    { key: SECRET, keys: { a: SECRET }, algorithms: ['HS256'] },
    { algorithms: ['HS256'] },
    { key: '', algorithms: ['HS256'] },
    { key: new Uint8Array(0), algorithms: ['HS256'] },
    { key: SECRET, algorithms: ['ES256'] },
    { key: { ...rsa, use: 'enc' }, algorithms: ['RS256'] },
    { key: { ...rsa, key_ops: ['encrypt'] }, algorithms: ['RS256'] },
    { key: { ...rsa, alg: 'RS257' }, algorithms: ['RS256'] },
    { key: { kty: 'RSA', n: 'AQAB' }, algorithms: ['RS256'] },
    { key: small.publicKey, algorithms: ['RS256'] },
    { key: unextractable.privateKey, algorithms: ['ES256'] },
    { key: SECRET, algorithms: ['HS256'], clockTolerance: -1 },
    { key: SECRET, algorithms: ['HS256'], expiresIn: 0 },
    { key: SECRET, algorithms: ['HS256'], idleTimeout: 0 },
    { key: SECRET, algorithms: ['HS256'], idleTimeout: Number.NaN },
    { key: SECRET, algorithms: ['HS256'], idleTimeout: '600' },
    { key: SECRET, algorithms: ['HS256'], issuer: '' },
    { key: SECRET, algorithms: ['HS256'], audience: [] },
    { key: SECRET, algorithms: ['HS256'], now: 5 },
    { keys: [], algorithms: ['HS256'] },
    { keys: [{ kty: 'oct', k: 'c2VjcmV0' }], algorithms: ['HS256'] },
    {
      keys: [
        { kty: 'oct', k: 'c2VjcmV0', kid: 'a' },
        { kty: 'oct', k: 'b3RoZXI', kid: 'a' },
      ],
      algorithms: ['HS256'],
    },
    { keys: { a: SECRET }, algorithms: ['HS256', 'RS256'] },
  ]) {
    configError(options)
  }
})

test('config error messages never contain the secret', () => {
  try {
    jwtCodec({ key: SECRET, algorithms: ['ES256'] })
  } catch (error) {
    assert.ok(!String((error as Error).message).includes(SECRET))
    return
  }
  assert.fail('no error')
})
