/** Algorithm and key attacks on jwtCodec and encryptedCodec, beyond what their own suites cover. */
import assert from 'node:assert/strict'
import { exportJWK, generateKeyPair } from 'jose'
import { DecodeError, encryptedCodec, jwtCodec } from '../../../src/index.ts'
import {
  encryptedKey,
  K1,
  K2,
  K3,
  sealJwe,
  T0,
  toBase64,
  toBase64url,
  utf8,
} from '../../fixtures/adversarial/kits.ts'
import { suite } from '../../harness.ts'

const test = suite('adversarial/algorithms')

async function hs(header: object, payload: string, secret: string | Uint8Array<ArrayBuffer>) {
  const input = `${toBase64url(utf8(JSON.stringify(header)))}.${toBase64url(utf8(payload))}`
  const raw = typeof secret === 'string' ? utf8(secret) : secret
  const key = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ])
  return `${input}.${toBase64url(new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8(input))))}`
}

async function reason(promise: unknown): Promise<string> {
  try {
    await promise
  } catch (error) {
    assert.ok(error instanceof DecodeError, `expected a DecodeError, got ${String(error)}`)
    return error.reason
  }
  return 'accepted'
}

let rsa: Promise<{ privateJwk: JsonWebKey; publicJwk: JsonWebKey; pem: string }> | undefined
/** One RSA key for the file; the public key also as the PEM text an attacker would download. */
function rsaKey() {
  rsa ??= (async () => {
    const pair = await generateKeyPair('RS256', { extractable: true })
    const strip = ({ alg: _a, key_ops: _k, ext: _e, ...rest }: JsonWebKey) => rest
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey))
    const lines = toBase64(spki)
      .match(/.{1,64}/g)!
      .join('\n')
    return {
      privateJwk: strip(await exportJWK(pair.privateKey)),
      publicJwk: strip(await exportJWK(pair.publicKey)),
      pem: `-----BEGIN PUBLIC KEY-----\n${lines}\n-----END PUBLIC KEY-----\n`,
    }
  })()
  return rsa
}

test('alg none in any casing is refused even with a valid HMAC attached', async () => {
  const codec = jwtCodec({ key: K1, algorithms: ['HS256'], now: () => T0 })
  for (const alg of ['none', 'None', 'NONE', 'nOnE', 'none ', '']) {
    const token = await hs({ alg }, '{"admin":true}', K1)
    assert.equal(await reason(codec.decode(token)), 'claim', JSON.stringify(alg))
  }
  const missing = await hs({ typ: 'JWT' }, '{"admin":true}', K1)
  assert.equal(await reason(codec.decode(missing)), 'claim')
})

test('HS256 signed with the RSA public key as PEM or JWK text is refused (algorithm confusion)', async () => {
  const { publicJwk, pem } = await rsaKey()
  const rsaOnly = jwtCodec({ key: publicJwk, algorithms: ['RS256'] })
  // A key set that serves both families, each key under its own kid: the realistic mixed setup.
  const mixed = jwtCodec({
    keys: { rsa: publicJwk, hs: K1 } as never,
    algorithms: ['RS256', 'HS256'],
  })
  for (const secret of [pem, pem.trimEnd(), JSON.stringify(publicJwk), publicJwk.n!]) {
    const plain = await hs({ alg: 'HS256' }, '{"admin":true}', secret)
    assert.equal(await reason(rsaOnly.decode(plain)), 'claim')
    const underRsaKid = await hs({ alg: 'HS256', kid: 'rsa' }, '{"admin":true}', secret)
    assert.equal(await reason(mixed.decode(underRsaKid)), 'claim')
    const underHsKid = await hs({ alg: 'HS256', kid: 'hs' }, '{"admin":true}', secret)
    assert.equal(await reason(mixed.decode(underHsKid)), 'signature')
  }
  const genuine = await hs({ alg: 'HS256', kid: 'hs' }, '{"admin":true}', K1)
  assert.equal((await mixed.decode(genuine)).admin, true)
})

test('RS256 under a PS256 allow-list, or HS512 under HS256, is refused though the key fits', async () => {
  const { privateJwk, publicJwk } = await rsaKey()
  const rs256 = await jwtCodec({ key: privateJwk, algorithms: ['RS256'] }).encode({ a: 1 })
  const psOnly = jwtCodec({ key: publicJwk, algorithms: ['PS256'] })
  assert.equal(await reason(psOnly.decode(rs256)), 'claim')
  const hs512 = await jwtCodec({ key: K1, algorithms: ['HS512'] }).encode({ a: 1 })
  assert.equal(await reason(jwtCodec({ key: K1, algorithms: ['HS256'] }).decode(hs512)), 'claim')
})

test('hostile kid values (SQL, control characters, prototype names) pick no key', async () => {
  const codec = jwtCodec({ keys: { current: K1, previous: K2 }, algorithms: ['HS256'] })
  for (const kid of [
    "' OR '1'='1",
    'current; DROP TABLE keys',
    'current\u0000',
    'current\r\nx: y',
    ' current',
    'CURRENT',
    'hasOwnProperty',
    '__proto__',
    '0',
    '../current',
  ]) {
    const token = await hs({ alg: 'HS256', kid }, '{"admin":true}', K1)
    assert.equal(await reason(codec.decode(token)), 'signature', JSON.stringify(kid))
  }
  // A single key with its own kid refuses a token that names another.
  const single = jwtCodec({
    key: { kty: 'oct', k: toBase64url(utf8(K1)), kid: 'a' },
    algorithms: ['HS256'],
  })
  assert.equal(
    await reason(single.decode(await hs({ alg: 'HS256', kid: 'b' }, '{}', K1))),
    'signature',
  )
  assert.deepEqual(await single.decode(await hs({ alg: 'HS256', kid: 'a' }, '{}', K1)), {})
})

test("an embedded oct jwk or a jku with the attacker's own secret never verifies an HS256 token", async () => {
  const codec = jwtCodec({ key: K1, algorithms: ['HS256'] })
  const attackerJwk = { kty: 'oct', k: toBase64url(utf8(K3)) }
  for (const extra of [{ jwk: attackerJwk }, { jku: 'https://attacker.example/jwks.json' }]) {
    const token = await hs({ alg: 'HS256', ...extra }, '{"admin":true}', K3)
    assert.equal(await reason(codec.decode(token)), 'signature')
  }
})

test('b64:false (RFC 7797, unencoded payload) never yields claims', async () => {
  const codec = jwtCodec({ key: K1, algorithms: ['HS256'] })
  const header = toBase64url(utf8('{"alg":"HS256","b64":false,"crit":["b64"]}'))
  for (const payload of ['{"admin":true}', 'eyJhZG1pbiI6dHJ1ZX0']) {
    const input = `${header}.${payload}`
    const key = await crypto.subtle.importKey(
      'raw',
      utf8(K1),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    )
    const mac = toBase64url(new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8(input))))
    assert.equal(await reason(codec.decode(`${input}.${mac}`)), 'malformed', payload)
  }
})

test('encryptedCodec: a kid picks one key, a foreign kid or header member is refused', async () => {
  const codec = encryptedCodec({ secrets: [K1, K2], now: () => T0 })
  const plaintext = utf8(`{"iat":${T0 / 1000},"sst":${T0 / 1000},"data":{"admin":true}}`)
  const header = (members: object) => toBase64url(utf8(JSON.stringify(members)))
  const { kid: kid1 } = await encryptedKey(K1)
  const { kid: kid2 } = await encryptedKey(K2)
  const { kid: kid3 } = await encryptedKey(K3)
  const good = { alg: 'dir', enc: 'A256GCM', kid: kid2 }
  assert.deepEqual(await codec.decode(await sealJwe(header(good), plaintext, K2)), {
    admin: true,
  })
  const cases: [object, string, string][] = [
    [{ ...good, kid: kid1 }, K2, 'signature'],
    [{ ...good, kid: kid3 }, K3, 'signature'],
    [{ alg: 'dir', enc: 'A256GCM' }, K3, 'signature'],
    [{ ...good, alg: 'none' }, K2, 'malformed'],
    [{ ...good, enc: 'A256CBC-HS512' }, K2, 'malformed'],
    [{ ...good, enc: 'a256gcm' }, K2, 'malformed'],
    [{ ...good, zip: 'DEF' }, K2, 'malformed'],
    [{ ...good, jku: 'https://attacker.example/keys' }, K2, 'malformed'],
    [{ ...good, epk: { kty: 'EC' } }, K2, 'malformed'],
    [{ ...good, p2s: 'AAAA', p2c: 1 }, K2, 'malformed'],
  ]
  for (const [members, secret, expected] of cases) {
    const token = await sealJwe(header(members), plaintext, secret)
    assert.equal(await reason(codec.decode(token)), expected, JSON.stringify(members))
  }
})
