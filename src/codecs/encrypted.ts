/** @module encryptedCodec: the session as a JWE (dir, A256GCM) that only the server can read. */
import type { SessionCodec, SessionData } from '../backends.ts'
import { DecodeError } from '../errors.ts'
import { encodeBase64url, utf8 } from '../lib/base64url.ts'
import { fromConfirmation, toConfirmation } from '../lib/binding.ts'
import { payloadText } from '../lib/json.ts'
import { secretsRule } from '../lib/keys.ts'
import { isSessionMaxAge, LIFETIME_OPTIONS, type LifetimeOptions } from '../lib/lifetime.ts'
import { checkOptions, isPlainObject } from '../lib/options.ts'
import { cacheRule } from '../lib/token-cache.ts'
import { compactSegments, parseJsonObject, parseJsonText } from './compact.ts'
import { defineCodec, type OpenedToken } from './define-codec.ts'
import { type DerivedKey, deriveKey } from './jwe-dir-keys.ts'

export interface EncryptedCodecOptions extends LifetimeOptions {
  /** Secrets of at least 32 bytes, newest first: the first encrypts, every one decrypts. */
  secrets: string | readonly string[]
  /**
   * How many opened tokens this codec keeps, so a token seen before costs no AES-GCM (default
   * 1000, at most 2 KiB each; `false` for none). Lifetimes and rotation apply on a hit as on a miss.
   */
  cache?: number | false
}

const OWNER = 'encryptedCodec'
const ENCRYPTED_OPTIONS = { secrets: secretsRule(32), ...LIFETIME_OPTIONS, cache: cacheRule }
const IV_BYTES = 12
const TAG_BYTES = 16
const CLAIMS = new Set(['iat', 'sst', 'exp', 'max', 'cnf', 'data'])
const HEADER_MEMBERS = new Set(['alg', 'enc', 'kid'])

/**
 * A stateless codec whose token is a standard JWE in compact serialization (RFC 7516):
 * `alg: "dir"`, `enc: "A256GCM"`, one AES-GCM call per encode or decode, on WebCrypto only.
 *
 * Any JOSE library opens the tokens with the same key. For each secret:
 * `key = HKDF-SHA256(ikm = UTF-8 secret, salt = empty, info = "fetch-session encryptedCodec A256GCM", 32 bytes)`,
 * and the header's `kid` is the first 8 bytes of `SHA-256(key)` in base64url (11 characters).
 * The plaintext is JSON `{ "iat": issued, "sst": session start, "exp"?: expiry, "max"?: the
 * session's own lifetime, "cnf"?: the device binding (RFC 7800's confirmation claim: `{ kid,
 * jwk }`, `withSession`'s `deviceBound`), "data": {...} }`, times in seconds since the epoch; `maxAge` (default
 * 14 days) and `idleTimeout` apply as in `signedCodec`. A token under an older secret is re-issued
 * under the newest.
 *
 * @example
 * const codec = encryptedCodec({ secrets: [env.SESSION_KEY, env.OLD_SESSION_KEY], maxAge: 86400, idleTimeout: 1800 })
 */
export function encryptedCodec(options: EncryptedCodecOptions): SessionCodec {
  const { secrets, ...lifetimes } = checkOptions(OWNER, options ?? null, ENCRYPTED_OPTIONS)
  let keys: Promise<DerivedKey[]> | undefined
  const allKeys = () => {
    keys ??= Promise.all(secrets.map(deriveKey))
    return keys
  }
  return defineCodec(
    {
      name: OWNER,
      reportsStart: true,
      carriesBinding: true,
      open: async (token) => open(token, await allKeys()),
      read(text) {
        const { iat, sst, exp, max, cnf, data } = parseClaims(text)
        // RFC 7519: not accepted on or after exp, as any other JOSE library judges the token.
        const times = { started: sst, issued: iat, expires: exp, maxAge: max }
        return { data, times, binding: fromConfirmation(cnf) }
      },
      async seal(data, { now, started, expires, maxAge, binding }) {
        const cnf = toConfirmation(binding)
        const text = JSON.stringify({
          iat: now,
          sst: started,
          exp: expires,
          max: maxAge,
          cnf,
          data,
        })
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
        return { token, payload: text }
      },
    },
    lifetimes,
  )
}

/** The plaintext behind a token that decrypts, and the index of the secret that sealed it. */
async function open(token: string, all: DerivedKey[]): Promise<OpenedToken<string>> {
  const compact = compactSegments(token, 5)
  const header = compact && parseJsonObject(compact.bytes[0]!)
  if (header === undefined || !isStrictHeader(header)) throw new DecodeError('malformed')
  const [, encryptedKey, iv, ciphertext, tag] = compact!.bytes as Uint8Array<ArrayBuffer>[]
  if (encryptedKey!.length !== 0 || iv!.length !== IV_BYTES || tag!.length !== TAG_BYTES) {
    throw new DecodeError('malformed')
  }
  const sealed = new Uint8Array(ciphertext!.length + TAG_BYTES)
  sealed.set(ciphertext!)
  sealed.set(tag!, ciphertext!.length)
  const aad = utf8(compact!.segments[0]!)
  for (const [key, candidate] of all.entries()) {
    // A kid picks one key: one AES-GCM call. Tokens from other encoders may omit it.
    if (header.kid !== undefined && candidate.kid !== header.kid) continue
    let plaintext: ArrayBuffer
    try {
      plaintext = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: iv!, additionalData: aad, tagLength: 128 },
        candidate.key,
        sealed,
      )
    } catch {
      // Wrong key or tampered token: AES-GCM says no more than that.
      continue
    }
    return { payload: payloadText(new Uint8Array(plaintext)), key }
  }
  throw new DecodeError('signature')
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
  cnf: unknown
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
