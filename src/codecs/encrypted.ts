/** @module encryptedCodec: the session as a JWE (dir, A256GCM) that only the server can read. */
import type { SessionCodec, SessionData } from '../backends.ts'
import { DecodeError } from '../errors.ts'
import { fromConfirmation, toConfirmation } from '../lib/binding.ts'
import { secretsRule } from '../lib/keys.ts'
import { isSessionMaxAge, LIFETIME_OPTIONS, type LifetimeOptions } from '../lib/lifetime.ts'
import { checkOptions, isPlainObject } from '../lib/options.ts'
import { cacheRule } from '../lib/token-cache.ts'
import { parseJsonText } from './compact.ts'
import { defineCodec } from './define-codec.ts'
import { type DerivedKey, deriveKey, openJwe, sealJwe } from './jwe-dir.ts'

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
const CLAIMS = new Set(['iat', 'sst', 'exp', 'max', 'cnf', 'ath', 'data'])

/**
 * A stateless codec whose token is a standard JWE in compact serialization (RFC 7516):
 * `alg: "dir"`, `enc: "A256GCM"`, one AES-GCM call per encode or decode, on WebCrypto only.
 *
 * Any JOSE library opens the tokens with the same key. For each secret:
 * `key = HKDF-SHA256(ikm = UTF-8 secret, salt = empty, info = "fetch-session encryptedCodec A256GCM", 32 bytes)`,
 * and the header's `kid` is the first 8 bytes of `SHA-256(key)` in base64url (11 characters).
 * The plaintext is JSON `{ "iat": issued, "sst": session start, "exp"?: expiry, "max"?: the
 * session's own lifetime, "cnf"?: the device binding (RFC 7800's confirmation claim: `{ kid,
 * jwk }`, `withSession`'s `deviceBound`), "ath"?: the last `regenerate()`, "data": {...} }`, times in seconds since the epoch; `maxAge` (default
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
      open: async (token) => openJwe(token, await allKeys()),
      read(text) {
        const { iat, sst, exp, max, cnf, ath, data } = parseClaims(text)
        // RFC 7519: not accepted on or after exp, as any other JOSE library judges the token.
        const times = { started: sst, issued: iat, expires: exp, maxAge: max, authenticated: ath }
        return { data, times, binding: fromConfirmation(cnf) }
      },
      async seal(data, { now, started, expires, maxAge, binding, authenticated }) {
        const cnf = toConfirmation(binding)
        const text = JSON.stringify({
          iat: now,
          sst: started,
          exp: expires,
          max: maxAge,
          cnf,
          ath: authenticated,
          data,
        })
        return { token: await sealJwe(text, (await allKeys())[0]!), payload: text }
      },
    },
    lifetimes,
  )
}

interface Claims {
  iat: number
  sst: number
  exp: number | undefined
  max: number | undefined
  cnf: unknown
  /** When the session last authenticated. */
  ath: number | undefined
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
    (claims.ath !== undefined && !Number.isSafeInteger(claims.ath)) ||
    !isPlainObject(data)
  ) {
    throw new DecodeError('malformed')
  }
  return claims as unknown as Claims
}
