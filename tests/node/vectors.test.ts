/**
 * Public test vectors from tests/vectors (origins and licences in its README): Wycheproof JWS through
 * jwtCodec (ECDSA's high and low S among them), Wycheproof JWE and the RFC 7520 cookbook through both codecs, Wycheproof AES-GCM for the
 * primitive encryptedCodec uses. Skipped vectors are counted with their reason, never as passes.
 */
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { isJwsAlgorithm } from '../../src/codecs/jws-keys.ts'
import { DecodeError, encryptedCodec, type JwsAlgorithm, jwtCodec } from '../../src/index.ts'
import { decodeBase64url } from '../../src/lib/base64url.ts'
import { CURVES, countVerifies, isHighS, signatureOf, twinOf } from '../fixtures/ecdsa.ts'

const VECTORS = fileURLToPath(new URL('../vectors/', import.meta.url))
const NOT_A_CLAIM_SET = 'the JWT payload is not a JSON object'

function load<T>(path: string): T {
  const file = `${VECTORS}${path}`
  assert.ok(existsSync(file), `test vectors missing: ${path} (tests/vectors/)`)
  return JSON.parse(readFileSync(file, 'utf8')) as T
}

interface Tally {
  passed: number
  skipped: Map<string, number[]>
  failed: string[]
}

function tally(): Tally {
  return { passed: 0, skipped: new Map(), failed: [] }
}

function skip(t: Tally, reason: string, id: number): void {
  t.skipped.set(reason, [...(t.skipped.get(reason) ?? []), id])
}

function report(context: { diagnostic(message: string): void }, t: Tally): void {
  context.diagnostic(`passed ${t.passed}`)
  for (const [reason, ids] of t.skipped) {
    context.diagnostic(`skipped ${ids.length} (${reason}): ${ids.join(' ')}`)
  }
  assert.deepEqual(t.failed, [])
}

type Outcome = 'accepted' | 'verified' | 'rejected' | 'refused-key'

/** What jwtCodec makes of a token: a claim set, a verified non-JSON payload, or a rejection. */
async function judge(key: unknown, algorithms: JwsAlgorithm[], token: unknown): Promise<Outcome> {
  let codec: ReturnType<typeof jwtCodec>
  try {
    codec = jwtCodec({ key: key as JsonWebKey, algorithms })
  } catch {
    return 'refused-key'
  }
  try {
    await codec.decode(token as string)
    return 'accepted'
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error
    return error.message === NOT_A_CLAIM_SET ? 'verified' : 'rejected'
  }
}

/** The algorithm an application would configure for a vector's key. */
function algorithmFor(jwk: JsonWebKey): JwsAlgorithm {
  if (isJwsAlgorithm(jwk.alg)) return jwk.alg
  if (jwk.kty === 'oct') return 'HS256'
  if (jwk.kty === 'RSA') return 'RS256'
  if (jwk.kty === 'OKP') return 'EdDSA'
  return ({ 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' } as const)[jwk.crv as 'P-256']
}

interface WycheproofFile<Test> {
  testGroups: { comment?: string; private?: JsonWebKey; public?: JsonWebKey; tests: Test[] }[] &
    Record<string, unknown>[]
}

test('Wycheproof JWS through jwtCodec', async (context) => {
  const file = load<WycheproofFile<{ tcId: number; jws: unknown; result: string }>>(
    'wycheproof/json_web_signature_test.json',
  )
  const t = tally()
  const dontCare = new Set([367, 370, 372, 373])
  const dataConflicts = new Set([346, 350])
  for (const group of file.testGroups) {
    const key = group.public ?? group.private!
    for (const vector of group.tests) {
      const id = vector.tcId
      if (dontCare.has(id)) {
        skip(t, "don't care: upstream label contradicts the bytes (tests/vectors/README.md)", id)
        continue
      }
      if (key.alg !== undefined && !isJwsAlgorithm(key.alg)) {
        skip(t, `key alg ${key.alg} is not a JWS algorithm; ES512 is covered by RFC 7520 4.3`, id)
        continue
      }
      if (dataConflicts.has(id)) {
        skip(
          t,
          'key labelled PS256 signs PS384 (RFC 7520 Figure 20): the codec honours JWK alg',
          id,
        )
        continue
      }
      const outcome = await judge(key, [algorithmFor(key)], vector.jws)
      const ok =
        vector.result === 'valid'
          ? outcome === 'accepted' || outcome === 'verified'
          : vector.result === 'invalid'
            ? outcome === 'rejected' || outcome === 'refused-key'
            : true
      if (vector.result === 'acceptable') skip(t, `acceptable, judged ${outcome}`, id)
      else if (ok) t.passed++
      else t.failed.push(`tcId ${id} (${vector.result}): ${outcome}`)
    }
  }
  report(context, t)
  assert.ok(t.passed >= 380)
})

function headerAlg(jws: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(decodeBase64url(jws.split('.')[0]!))).alg
  } catch {
    return undefined
  }
}

test('Wycheproof ECDSA JWS: a high-S token reads as its low-S spelling; r or s out of range is malformed', async () => {
  const file = load<WycheproofFile<{ tcId: number; jws: unknown; result: string }>>(
    'wycheproof/json_web_signature_test.json',
  )
  const { n } = CURVES.ES256
  let high = 0
  let malformed = 0
  for (const group of file.testGroups) {
    const key = group.public ?? group.private!
    if (key.crv !== 'P-256' || key.alg !== 'ES256') continue
    for (const { tcId, jws, result } of group.tests) {
      if (typeof jws !== 'string' || jws.split('.').length !== 3) continue
      const codec = jwtCodec({ key: key as JsonWebKey, algorithms: ['ES256'] })
      const signature = decodeBase64url(jws.split('.')[2]!)
      const { r, s } = signature?.length === 64 ? signatureOf('ES256', jws) : { r: 0n, s: 0n }
      const outOfRange = headerAlg(jws) === 'ES256' && (r === 0n || s === 0n || r >= n || s >= n)
      if (result === 'valid') {
        if (!isHighS('ES256', jws)) continue
        high++
        // Its payload is no claim set: both spellings verify to it, with one signature check.
        const twin = twinOf('ES256', jws)
        const checks = await countVerifies(async () => {
          for (const token of [jws, twin, jws]) {
            await assert.rejects(codec.decode(token), { message: NOT_A_CLAIM_SET })
          }
        })
        assert.equal(checks, 1, `tcId ${tcId}`)
        continue
      }
      let reason = 'accepted'
      const checks = await countVerifies(() =>
        codec.decode(jws).catch((error: unknown) => {
          reason = error instanceof DecodeError ? error.reason : String(error)
        }),
      )
      assert.notEqual(reason, 'accepted', `tcId ${tcId}`)
      // A signature of the wrong length, or with r or s out of range, never reaches the check.
      if (signature !== undefined && outOfRange) {
        assert.deepEqual([reason, checks], ['malformed', 0], `tcId ${tcId}`)
        malformed++
      }
    }
  }
  assert.equal(high, 1, 'tcId 18, the valid token, has a high S')
  assert.equal(
    malformed,
    20,
    'tcId 20, 379 to 385, and 386 to 401 but the four with r, s of 1 or n − 1',
  )
})

test('RFC 7520 JWS cookbook examples through jwtCodec', async (context) => {
  const t = tally()
  const dir = `${VECTORS}rfc7520-jose-cookbook/jws/`
  for (const [index, name] of readdirSync(dir).sort().entries()) {
    const example = load<{
      input: { alg: unknown; key?: JsonWebKey }
      output: { compact?: string }
    }>(`rfc7520-jose-cookbook/jws/${name}`)
    const { alg, key } = example.input
    const compact = example.output.compact
    if (!isJwsAlgorithm(alg) || key === undefined || compact === undefined) {
      skip(t, 'JSON serialization only or several signers: not a compact JWT', index)
      continue
    }
    if (compact.split('.')[1] === '') {
      skip(t, 'detached payload (4.5): a session token always carries its payload', index)
      continue
    }
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicKey } = key
    for (const verifyKey of [key, publicKey]) {
      const outcome = await judge(verifyKey, [alg], compact)
      if (outcome === 'verified') t.passed++
      else t.failed.push(`${name}: ${outcome}`)
    }
    const [h, p, s] = compact.split('.') as [string, string, string]
    const flipped = `${h}.${p}.${s[0] === 'A' ? 'B' : 'A'}${s.slice(1)}`
    if ((await judge(publicKey, [alg], flipped)) === 'rejected') t.passed++
    else t.failed.push(`${name}: a flipped signature was not rejected`)
    const issued = await jwtCodec({ key, algorithms: [alg] }).encode({ n: 1 })
    if ((await judge(publicKey, [alg], issued)) === 'accepted') t.passed++
    else t.failed.push(`${name}: our own token under the RFC key did not verify`)
  }
  report(context, t)
  assert.equal(t.passed, 4 * 4)
})

test('JWE vectors: encryptedCodec rejects every one that is not dir/A256GCM, without crypto', async (context) => {
  const codec = encryptedCodec({ secrets: 'a-test-secret-that-is-32-bytes-long!' })
  const t = tally()
  const tokens: [number, unknown][] = []
  const file = load<WycheproofFile<{ tcId: number; jwe: unknown }>>(
    'wycheproof/json_web_encryption_test.json',
  )
  for (const group of file.testGroups) for (const v of group.tests) tokens.push([v.tcId, v.jwe])
  for (const [index, name] of readdirSync(`${VECTORS}rfc7520-jose-cookbook/jwe/`)
    .sort()
    .entries()) {
    const example = load<{ output: { compact?: string } }>(`rfc7520-jose-cookbook/jwe/${name}`)
    tokens.push([10_000 + index, example.output.compact])
  }
  for (const [id, token] of tokens) {
    if (typeof token !== 'string') {
      skip(t, 'JSON serialization: no compact form to present', id)
      continue
    }
    let reason: string | undefined
    try {
      await codec.decode(token)
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error
      reason = error.reason
    }
    // None of them is dir/A256GCM, so none is applicable: each must be refused before decryption.
    if (reason === 'malformed')
      skip(t, 'not dir/A256GCM (RSA1_5, key wrap, ECDH, A128GCM…): refused as malformed', id)
    else t.failed.push(`JWE ${id}: ${reason ?? 'accepted'}`)
  }
  report(context, t)
})

test('Wycheproof AES-GCM (256-bit key, 96-bit IV, 128-bit tag) on WebCrypto', async (context) => {
  const file = load<{
    testGroups: {
      keySize: number
      ivSize: number
      tagSize: number
      tests: {
        tcId: number
        key: string
        iv: string
        aad: string
        msg: string
        ct: string
        tag: string
        result: string
      }[]
    }[]
  }>('wycheproof/aes_gcm_test.json')
  const hex = (text: string) =>
    Uint8Array.from(text.match(/../g) ?? [], (b) => Number.parseInt(b, 16))
  const t = tally()
  for (const group of file.testGroups) {
    const applicable = group.keySize === 256 && group.ivSize === 96 && group.tagSize === 128
    for (const v of group.tests) {
      if (!applicable) {
        skip(t, 'key, IV or tag size that encryptedCodec never uses', v.tcId)
        continue
      }
      const key = await crypto.subtle.importKey('raw', hex(v.key), 'AES-GCM', false, [
        'encrypt',
        'decrypt',
      ])
      const params = { name: 'AES-GCM', iv: hex(v.iv), additionalData: hex(v.aad), tagLength: 128 }
      const sealed = new Uint8Array([...hex(v.ct), ...hex(v.tag)])
      let opened: Uint8Array | undefined
      try {
        opened = new Uint8Array(await crypto.subtle.decrypt(params, key, sealed))
      } catch {
        opened = undefined
      }
      const encrypted = new Uint8Array(await crypto.subtle.encrypt(params, key, hex(v.msg)))
      const ok =
        v.result === 'valid'
          ? opened !== undefined &&
            Buffer.from(opened).equals(Buffer.from(hex(v.msg))) &&
            Buffer.from(encrypted).equals(Buffer.from(sealed))
          : opened === undefined
      if (ok) t.passed++
      else t.failed.push(`tcId ${v.tcId} (${v.result})`)
    }
  }
  report(context, t)
  assert.ok(t.passed >= 60)
})
