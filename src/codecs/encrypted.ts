/** @module encryptedCodec: the session as a JWE (dir, A256GCM) that only the server can read. */
import type { DecodedSession, EncodedSession, SessionData, SessionWrite } from '../backends.ts'
import { DecodeError } from '../errors.ts'
import { encodeBase64url, utf8 } from '../lib/base64url.ts'
import { type SessionCodec, sessionCodec } from '../lib/codec.ts'
import { payloadText } from '../lib/json.ts'
import { aesGcmKey, cached, secretList } from '../lib/keys.ts'
import { isSessionMaxAge, type LifetimeOptions, lifetime } from '../lib/lifetime.ts'
import { isPlainObject, optionsObject } from '../lib/options.ts'
import { tokenCache } from '../lib/token-cache.ts'
import { compactSegments, parseJsonObject, parseJsonText } from './compact.ts'

export interface EncryptedCodecOptions extends LifetimeOptions {
  /** Secrets of at least 32 bytes, newest first: the first encrypts, every one decrypts. */
  secrets: string | readonly string[]
  /**
   * How many opened tokens this codec keeps, so a token seen before costs no AES-GCM (default
   * 1000, at most 2 KiB each; `false` for none). Lifetimes and rotation apply on a hit as on a miss.
   */
  cache?: number | false
}

interface DerivedKey {
  kid: string
  key: CryptoKey
  /** The encoded protected header, which is also the AES-GCM additional data. */
  header: string
  aad: Uint8Array<ArrayBuffer>
}

/** HKDF `info`: binds the derived key to this one use of the secret. */
const INFO = 'fetch-session encryptedCodec A256GCM'
const IV_BYTES = 12
const TAG_BYTES = 16
const CLAIMS = new Set(['iat', 'sst', 'exp', 'max', 'data'])
const HEADER_MEMBERS = new Set(['alg', 'enc', 'kid'])

/**
 * A stateless codec whose token is a standard JWE in compact serialization (RFC 7516):
 * `alg: "dir"`, `enc: "A256GCM"`, one AES-GCM call per encode or decode, on WebCrypto only.
 *
 * Any JOSE library opens the tokens with the same key. For each secret:
 * `key = HKDF-SHA256(ikm = UTF-8 secret, salt = empty, info = "fetch-session encryptedCodec A256GCM", 32 bytes)`,
 * and the header's `kid` is the first 8 bytes of `SHA-256(key)` in base64url (11 characters).
 * The plaintext is JSON `{ "iat": issued, "sst": session start, "exp"?: expiry, "max"?: the
 * session's own lifetime, "data": {...} }`, times in seconds since the epoch; `maxAge` (default
 * 14 days) and `idleTimeout` apply as in `signedCodec`. A token under an older secret is re-issued
 * under the newest.
 *
 * @example
 * const codec = encryptedCodec({ secrets: [env.SESSION_KEY, env.OLD_SESSION_KEY], maxAge: 86400, idleTimeout: 1800 })
 */
export function encryptedCodec(options: EncryptedCodecOptions): SessionCodec {
  optionsObject('encryptedCodec', options ?? null, {
    secrets: 1,
    maxAge: 1,
    idleTimeout: 1,
    clockTolerance: 1,
    now: 1,
    cache: 1,
  })
  const secrets = secretList(options?.secrets, 'encryptedCodec', 32)
  const life = lifetime(options, 'encryptedCodec')
  let keys: Promise<DerivedKey[]> | undefined
  const allKeys = () => {
    keys ??= Promise.all(secrets.map(deriveKey))
    return keys
  }
  const cache = tokenCache<Opened>('encryptedCodec', options.cache, (v) => v.text.length)

  /** The plaintext behind a token that decrypts, and whether an older secret sealed it. */
  async function open(token: string): Promise<Opened> {
    const hit = cache?.get(token)
    if (hit !== undefined) return hit
    const compact = compactSegments(token, 5)
    const header = compact && parseJsonObject(compact.bytes[0]!)
    if (header === undefined || !isStrictHeader(header)) throw new DecodeError('malformed')
    const [, encryptedKey, iv, ciphertext, tag] = compact!.bytes as Uint8Array<ArrayBuffer>[]
    if (encryptedKey!.length !== 0 || iv!.length !== IV_BYTES || tag!.length !== TAG_BYTES) {
      throw new DecodeError('malformed')
    }
    const all = await allKeys()
    // A kid picks one key: one AES-GCM call. Tokens from other encoders may omit it.
    const candidates = header.kid === undefined ? all : all.filter((k) => k.kid === header.kid)
    if (candidates.length === 0) throw new DecodeError('signature')
    const sealed = new Uint8Array(ciphertext!.length + TAG_BYTES)
    sealed.set(ciphertext!)
    sealed.set(tag!, ciphertext!.length)
    const aad = utf8(compact!.segments[0]!)
    for (const candidate of candidates) {
      let plaintext: Uint8Array
      try {
        plaintext = new Uint8Array(
          await crypto.subtle.decrypt(
            { name: 'AES-GCM', iv: iv!, additionalData: aad, tagLength: 128 },
            candidate.key,
            sealed,
          ),
        )
      } catch {
        // Wrong key or tampered token: AES-GCM says no more than that.
        continue
      }
      const opened = { text: payloadText(plaintext), rotated: candidate !== all[0] }
      cache?.set(token, opened)
      return opened
    }
    throw new DecodeError('signature')
  }

  return sessionCodec({
    reportsStart: true,
    async encodeSession(data: SessionData, write: SessionWrite): Promise<EncodedSession> {
      const now = life.stamp()
      const started = Math.min(write.previous?.started ?? now, now)
      const max = write.maxAge
      const remaining = life.remaining(started, now, max)
      const exp = remaining === undefined ? undefined : now + remaining
      const text = JSON.stringify({ iat: now, sst: started, exp, max, data })
      const { key, header, aad } = (await allKeys())[0]!
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES))
      const sealed = new Uint8Array(
        await crypto.subtle.encrypt(
          { name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 },
          key,
          utf8(text),
        ),
      )
      const split = sealed.length - TAG_BYTES
      const token = `${header}..${encodeBase64url(iv)}.${encodeBase64url(sealed.subarray(0, split))}.${encodeBase64url(sealed.subarray(split))}`
      if (cache !== undefined) {
        // The token replaced goes; the one issued comes in as opened.
        if (typeof write.previous?.state === 'string') cache.delete(write.previous.state)
        cache.set(token, { text, rotated: false })
      }
      return { token, started, maxAge: remaining }
    },

    async decodeSession(token: string): Promise<DecodedSession> {
      const { text, rotated } = await open(token)
      const { iat, sst, exp, max, data } = parseClaims(text)
      const renew = life.check(sst, iat, max)
      // RFC 7519: not accepted on or after exp, as any other JOSE library judges the token.
      if (exp !== undefined && life.now() >= exp) throw new DecodeError('expired')
      return { data, started: sst, renew: renew || rotated, maxAge: max, state: token }
    },
  })
}

interface Opened {
  text: string
  rotated: boolean
}

function isStrictHeader(header: Record<string, unknown>): header is { kid?: string } {
  for (const name in header) if (!HEADER_MEMBERS.has(name)) return false
  return (
    header.alg === 'dir' &&
    header.enc === 'A256GCM' &&
    (header.kid === undefined || typeof header.kid === 'string')
  )
}

interface Claims {
  iat: number
  sst: number
  exp: number | undefined
  max: number | undefined
  data: SessionData
}

function parseClaims(text: string): Claims {
  const claims = parseJsonText(text)
  const data = claims?.data
  if (
    claims === undefined ||
    !Object.keys(claims).every((name) => CLAIMS.has(name)) ||
    !Number.isSafeInteger(claims.iat) ||
    !Number.isSafeInteger(claims.sst) ||
    (claims.exp !== undefined && !Number.isSafeInteger(claims.exp)) ||
    !isSessionMaxAge(claims.max) ||
    !isPlainObject(data)
  ) {
    throw new DecodeError('malformed')
  }
  return claims as unknown as Claims
}

/** Derived once per secret, so codecs built per request (a Workers `env`) derive it once. */
function deriveKey(secret: string): Promise<DerivedKey> {
  return cached(`encryptedCodec:${secret}`, () => derive(secret))
}

async function derive(secret: string): Promise<DerivedKey> {
  const ikm = await crypto.subtle.importKey('raw', utf8(secret), 'HKDF', false, ['deriveBits'])
  const bytes = new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: utf8(INFO) },
      ikm,
      256,
    ),
  )
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
  const kid = encodeBase64url(digest.subarray(0, 8))
  const header = encodeBase64url(utf8(JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid })))
  return { kid, key: await aesGcmKey(bytes), header, aad: utf8(header) }
}
