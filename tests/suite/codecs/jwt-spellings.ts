/** jwtCodec: one token, one spelling. ECDSA signatures with low S; JSON that names a member once. */
import assert from 'node:assert/strict'
import { CompactSign } from 'jose'
import { type DecodedSession, jwtCodec, type KernelState } from '../../../src/index.ts'
import { encodeBase64url, utf8 } from '../../../src/lib/base64url.ts'
import {
  CURVES,
  countVerifies,
  EC_ALGORITHMS,
  isHighS,
  signatureOf,
  twinOf,
  webCryptoVerifies,
  withRS,
  withSignature,
} from '../../fixtures/ecdsa.ts'
import { jwkFor, publicPart, rejection } from '../../fixtures/jwt.ts'
import { SECRET } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('jwtCodec')

for (const alg of EC_ALGORITHMS) {
  test(`${alg}: a token respelled with n − s reads as the token itself, under its cache key`, async () => {
    const jwk = await jwkFor(alg)
    const issuer = jwtCodec({ key: jwk, algorithms: [alg] })
    const token = await issuer.encode({ user: 'ada' })
    const twin = twinOf(alg, token)
    assert.notEqual(twin, token)
    assert.ok(await webCryptoVerifies(alg, publicPart(jwk), twin), 'the twin is a valid signature')
    // The issuer cached what it issued: the twin is that entry, no signature checked again.
    let decoded: Awaited<ReturnType<typeof issuer.decodeSession>> | undefined
    assert.equal(await countVerifies(async () => (decoded = await issuer.decodeSession(twin))), 0)
    assert.equal(decoded!.data.user, 'ada')
    assert.equal(stateToken(decoded!), token, 'the token reported is the one spelling')
    // A verifier that meets the twin first checks one signature and keeps one entry for both.
    const verifier = jwtCodec({ key: publicPart(jwk), algorithms: [alg] })
    const first = await countVerifies(async () => {
      assert.equal(stateToken(await verifier.decodeSession(twin)), token)
      assert.equal(stateToken(await verifier.decodeSession(token)), token)
      assert.equal((await verifier.decode(twin)).user, 'ada')
    })
    assert.equal(first, 1)
    // Without a cache, too, both spellings are the same session.
    const uncached = jwtCodec({ key: publicPart(jwk), algorithms: [alg], cache: false })
    assert.deepEqual(await uncached.decodeSession(twin), await uncached.decodeSession(token))
  })

  test(`${alg}: every token issued has a low S, and other libraries verify it`, async () => {
    const jwk = await jwkFor(alg)
    const codec = jwtCodec({ key: jwk, algorithms: [alg] })
    // WebCrypto picks a high S half the time: 48 low ones by chance is a 2^-48 event.
    for (let i = 0; i < 48; i++) {
      const token = await codec.encode({ i })
      assert.equal(isHighS(alg, token), false, `signing ${i}`)
      if (i < 4) assert.ok(await webCryptoVerifies(alg, publicPart(jwk), token))
    }
    // A foreign issuer's high-S token (jose on WebCrypto) is read, as its low-S twin.
    const signer = await crypto.subtle.importKey(
      'jwk',
      jwk,
      { name: 'ECDSA', namedCurve: CURVES[alg].namedCurve },
      false,
      ['sign'],
    )
    const foreign = await new CompactSign(utf8('{"from":"elsewhere"}'))
      .setProtectedHeader({ alg })
      .sign(signer)
    const high = isHighS(alg, foreign) ? foreign : twinOf(alg, foreign)
    const decoded = await codec.decodeSession(high)
    assert.equal(decoded.data.from, 'elsewhere')
    assert.equal(isHighS(alg, stateToken(decoded)), false)
  })

  test(`${alg}: a signature of the wrong length, or r or s of 0 or at least n, is malformed unchecked`, async () => {
    const jwk = await jwkFor(alg)
    const codec = jwtCodec({ key: publicPart(jwk), algorithms: [alg] })
    const token = await jwtCodec({ key: jwk, algorithms: [alg] }).encode({ user: 'ada' })
    const { size, n } = CURVES[alg]
    const { r, s } = signatureOf(alg, token)
    const bytes = (length: number) => crypto.getRandomValues(new Uint8Array(length))
    const bad: [string, string][] = [
      ['no signature', withSignature(token, new Uint8Array(0))],
      ['one byte short', withSignature(token, bytes(size * 2 - 1))],
      ['one byte long', withSignature(token, bytes(size * 2 + 1))],
      ['r and s one byte wider', withRS(alg, token, r, s, size + 1)],
      ['another curve', withSignature(token, bytes(alg === 'ES256' ? 96 : 64))],
      ['r = 0', withRS(alg, token, 0n, s)],
      ['s = 0', withRS(alg, token, r, 0n)],
      ['r = n', withRS(alg, token, n, s)],
      ['s = n', withRS(alg, token, r, n)],
      ['r and s = n', withRS(alg, token, n, n)],
    ]
    // r + n and s + n fit the width of P-521 always, of P-256 and P-384 sometimes.
    const limit = 1n << BigInt(size * 8)
    if (r + n < limit) bad.push(['r + n', withRS(alg, token, r + n, s)])
    if (s + n < limit) bad.push(['s + n', withRS(alg, token, r, s + n)])
    if (n - s + n < limit) bad.push(['n − s + n', withRS(alg, token, r, n - s + n)])
    const calls = await countVerifies(async () => {
      for (const [what, spelled] of bad) {
        assert.equal((await rejection(codec.decode(spelled))).reason, 'malformed', what)
      }
    })
    assert.equal(calls, 0, 'refused before any signature check')
    assert.equal((await codec.decode(token)).user, 'ada')
  })
}

/** A compact JWS with the header and payload exactly as written, HMAC-SHA256 under SECRET. */
async function signed(header: string, payload: string): Promise<string> {
  const input = `${encodeBase64url(utf8(header))}.${encodeBase64url(utf8(payload))}`
  const key = await crypto.subtle.importKey(
    'raw',
    utf8(SECRET),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  return `${input}.${encodeBase64url(new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8(input))))}`
}

test('a header that names a member twice is malformed, whichever value comes last', async () => {
  const codec = jwtCodec({ keys: { a: SECRET, b: `${SECRET}-b` }, algorithms: ['HS256'] })
  const claims = '{"user":"ada"}'
  for (const header of [
    '{"alg":"none","kid":"a","alg":"HS256"}',
    '{"alg":"HS256","kid":"a","alg":"HS256"}',
    '{"alg":"HS256","kid":"b","kid":"a"}',
    '{"alg":"HS256","kid":"a","\\u0061lg":"HS256"}',
    '{"alg":"HS256","kid":"a","typ":"JWT","typ":"at+jwt"}',
    '{"alg":"HS256","kid":"a","jwk":{"kty":"oct","kty":"RSA"}}',
  ]) {
    const error = await rejection(codec.decode(await signed(header, claims)))
    assert.equal(error.reason, 'malformed', header)
  }
  // One name in several objects, or as a value, is no repetition.
  for (const header of [
    '{"alg":"HS256","kid":"a","x":{"alg":"HS256","kid":"a"}}',
    '{"alg":"HS256","kid":"a","v":"alg","w":["kid","kid",{"kid":1},{"kid":2}]}',
    '{"alg":"HS256","kid":"a","q":"\\"kid\\":","r":"\\\\"}',
  ]) {
    assert.equal((await codec.decode(await signed(header, claims))).user, 'ada', header)
  }
})

test('a claim set that names a member twice, at any depth, is malformed', async () => {
  const codec = jwtCodec({ key: SECRET, algorithms: ['HS256'] })
  const header = '{"alg":"HS256"}'
  for (const claims of [
    '{"user":"ada","role":"user","role":"admin"}',
    '{"exp":9999999999,"exp":1}',
    '{"exp":1,"exp":9999999999}',
    '{"user":"ada","\\u0075ser":"eve"}',
    '{"cart":{"item":1,"item":2}}',
    '{"cart":[{"item":1},{"item":1,"item":2}]}',
  ]) {
    const token = await signed(header, claims)
    for (let twice = 0; twice < 2; twice++) {
      const error = await rejection(codec.decode(token))
      assert.equal(error.reason, 'malformed', claims)
      assert.equal(error.message, 'the JWT claim set repeats a name')
    }
  }
  const fine = '{"user":"ada","a":"\\"user\\":","b":{"user":1},"c":[{"user":1},{"user":2}]}'
  assert.deepEqual(await codec.decode(await signed(header, fine)), JSON.parse(fine))
})

/** The token the kernel keeps for a decoded session: the one it drops from the cache on re-issue. */
function stateToken(decoded: DecodedSession): string {
  return (decoded.state as KernelState<unknown>).token
}
