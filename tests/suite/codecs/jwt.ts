/** jwtCodec: signed JWTs on jose, stricter than jose about shape, keys and claims. */
import assert from 'node:assert/strict'
import { CompactSign, compactVerify, exportJWK, generateKeyPair } from 'jose'
import {
  cookie,
  type DecodeError,
  type JwsAlgorithm,
  jwtCodec,
  SessionError,
} from '../../../src/index.ts'
import { encodeBase64url, utf8 } from '../../../src/lib/base64url.ts'
import {
  ALL,
  bare,
  configError,
  headerOf,
  hs256,
  hsCodec,
  jwkFor,
  privateJwks,
  publicPart,
  rejection,
} from '../../fixtures/jwt.ts'
import { clock, counter, nextCookie, request, SECRET } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('jwtCodec')

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
