/** @module starletteCodec: the signed session cookie of Starlette's SessionMiddleware. */
import type { DecodedSession, EncodedSession, SessionData } from '../backends.ts'
import { DecodeError } from '../errors.ts'
import { decodeBase64url, encodeBase64url, fromUtf8, utf8 } from '../lib/base64url.ts'
import { type SessionCodec, sessionCodec } from '../lib/codec.ts'
import { hmacKeys } from '../lib/hmac.ts'
import { hmacKey, secretList } from '../lib/keys.ts'
import { DEFAULT_CLOCK_TOLERANCE } from '../lib/lifetime.ts'
import { MAX_TOKEN_LENGTH } from '../lib/limits.ts'
import {
  clockOption,
  configError,
  isPlainObject,
  MAX_LIFETIME,
  optionsObject,
  toleranceOption,
} from '../lib/options.ts'
import { decodeBase64, encodeBase64, pythonJsonDumps } from '../lib/python-json.ts'

export interface StarletteCodecOptions {
  /**
   * The Python service's `secret_key`, as is; a list to rotate, newest first: the first signs,
   * every one verifies. Any non-empty string is accepted because the other service already uses
   * it, but the key is only as strong as the secret: anyone holding one cookie can test guesses
   * offline, so a short or guessable secret lets them forge sessions. Use 32 random bytes or more.
   */
  secretKey: string | readonly string[]
  /**
   * Starlette's `max_age` in seconds (default 14 days): older tokens are rejected and the cookie
   * gets this Max-Age. `null` checks no age. `0`, as in itsdangerous, accepts a token for less than
   * a second (and writes no Max-Age): use `null`, not `0`, for sessions without an age limit.
   */
  maxAge?: number | null
  /**
   * Seconds a token's timestamp may lie ahead of this server's clock (skew between servers).
   * Default 5; itsdangerous itself allows none.
   */
  clockTolerance?: number
  /** The clock, in milliseconds like `Date.now`. */
  now?: () => number
}

/** itsdangerous' default salt, then the constant its 'django-concat' key derivation adds. */
const DERIVATION_PREFIX = 'itsdangerous.Signersigner'
const DEFAULT_MAX_AGE = 14 * 24 * 60 * 60
const SIGNATURE_BYTES = 20 // HMAC-SHA1

/**
 * Reads and writes the cookie of Starlette's `SessionMiddleware` byte for byte, so a Python service
 * and a fetch-session service can share one session: itsdangerous' `TimestampSigner` (HMAC-SHA1)
 * over standard base64 of the data as Python's `json.dumps` writes it. The data is signed, not
 * encrypted: the client can read it.
 *
 * Starlette re-signs the cookie on every response, so its `max_age` counts from the last visit;
 * this codec renews a token it reads once it is a second old, to the same effect. For the same
 * reason a token does not tell when its session began: `withSession`'s `validAfter` refuses this
 * codec, and `session.setMaxAge` caps only the cookie of the response that calls it. Ages follow
 * itsdangerous' rule (valid while `age <= max_age`), one second more than the other codecs allow.
 *
 * @example
 * const backends = {
 *   codec: starletteCodec({ secretKey: env.STARLETTE_SECRET_KEY }),
 *   ...cookie({ name: 'session', secure: false }),
 * }
 */
export function starletteCodec(options: StarletteCodecOptions): SessionCodec {
  const owner = 'starletteCodec'
  optionsObject(owner, options ?? null, { secretKey: 1, maxAge: 1, clockTolerance: 1, now: 1 })
  // Interop outranks our minimum: any non-empty secret the Python service already uses.
  const secrets = secretList(options.secretKey, owner, 1, 'secretKey')
  const maxAge = options.maxAge === undefined ? DEFAULT_MAX_AGE : options.maxAge
  if (maxAge !== null && (!Number.isSafeInteger(maxAge) || maxAge < 0 || maxAge > MAX_LIFETIME)) {
    configError(owner, `maxAge must be a whole number of seconds up to ${MAX_LIFETIME}, or null`)
  }
  const tolerance = toleranceOption(owner, options.clockTolerance, DEFAULT_CLOCK_TOLERANCE)
  const clock = clockOption(owner, options.now)
  const seconds = (): number => Math.floor(clock() / 1000)
  const keys = hmacKeys(() => Promise.all(secrets.map(deriveKey)), 'SHA-1')

  return sessionCodec({
    reportsStart: false,
    async encodeSession(data: SessionData): Promise<EncodedSession> {
      const payload = encodeBase64(utf8(pythonJsonDumps(data)))
      const value = `${payload}.${encodeBase64url(intToBytes(seconds()))}`
      const signature = await keys.sign(utf8(value))
      // Starlette writes Max-Age only for a truthy max_age.
      return {
        token: `${value}.${encodeBase64url(signature)}`,
        maxAge: maxAge ? maxAge : undefined,
      }
    },

    async decodeSession(token: string): Promise<DecodedSession> {
      const last = token.length <= MAX_TOKEN_LENGTH ? token.lastIndexOf('.') : -1
      const middle = last > 0 ? token.lastIndexOf('.', last - 1) : -1
      if (middle < 0) throw new DecodeError('malformed')
      const signed = token.slice(0, last)
      const signature = decodeBase64url(token.slice(last + 1))
      const timestamp = bytesToInt(decodeBase64url(token.slice(middle + 1, last)))
      if (signature?.length !== SIGNATURE_BYTES || timestamp === undefined) {
        throw new DecodeError('malformed')
      }
      const signer = await keys.verify(signature, utf8(signed))
      if (signer < 0) throw new DecodeError('signature')

      // itsdangerous checks neither age nor a future timestamp without max_age.
      const now = clock() / 1000
      // A token an older key signed is issued again under the newest.
      let renew = signer > 0
      if (maxAge !== null) {
        if (Math.floor(now) - timestamp > maxAge) throw new DecodeError('expired')
        if (timestamp > now + tolerance) throw new DecodeError('future')
        renew ||= timestamp < Math.floor(now)
      }
      return { data: parsePayload(token.slice(0, middle)), renew }
    },
  })
}

/** itsdangerous' 'django-concat': the HMAC key is SHA-1(salt + 'signer' + secret_key). */
async function deriveKey(secret: string): Promise<CryptoKey> {
  const digest = await crypto.subtle.digest('SHA-1', utf8(DERIVATION_PREFIX + secret))
  return hmacKey(new Uint8Array(digest), 'SHA-1')
}

/** itsdangerous' int_to_bytes: big-endian, leading zero bytes dropped (0 is no bytes at all). */
function intToBytes(value: number): Uint8Array {
  const bytes: number[] = []
  for (let n = Math.max(0, value); n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256)
  return new Uint8Array(bytes)
}

/** The inverse of `intToBytes`; `undefined` for a form itsdangerous never writes. */
function bytesToInt(bytes: Uint8Array | undefined): number | undefined {
  if (bytes === undefined || bytes.length > 8 || bytes[0] === 0) return undefined
  let value = 0
  for (const byte of bytes) value = value * 256 + byte
  return value
}

function parsePayload(payload: string): SessionData {
  const bytes = decodeBase64(payload)
  if (bytes === undefined) throw new DecodeError('malformed', 'session payload is not base64')
  let data: unknown
  try {
    data = JSON.parse(fromUtf8(bytes))
  } catch (cause) {
    throw new DecodeError('malformed', 'session payload is not JSON', { cause })
  }
  if (!isPlainObject(data))
    throw new DecodeError('malformed', 'session payload is not a JSON object')
  return data as SessionData
}
