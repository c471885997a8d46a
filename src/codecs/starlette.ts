/** @module starletteCodec: the signed session cookie of Starlette's SessionMiddleware. */
import type { SessionCodec } from '../backends.ts'
import { DecodeError } from '../errors.ts'
import {
  decodeBase64,
  decodeBase64url,
  encodeBase64,
  encodeBase64url,
  utf8,
} from '../lib/base64url.ts'
import { payloadText, sessionData } from '../lib/json.ts'
import { MAX_TOKEN_LENGTH } from '../lib/limits.ts'
import { checkOptions, optional, secondsRule } from '../lib/options.ts'
import { cacheRule } from '../lib/token-cache.ts'
import { defineCodec } from './define-codec.ts'
import { bytesToInt, derivedKeys, intToBytes } from './itsdangerous.ts'
import { pythonJsonDumps } from './python-json.ts'
import { PYTHON_OPTIONS } from './python-options.ts'

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
   * Default 0, as itsdangerous, which refuses any timestamp in the future.
   */
  clockTolerance?: number
  /** The clock, in milliseconds like `Date.now`. */
  now?: () => number
  /**
   * HMAC through WebCrypto even where the runtime has `node:crypto` (Node, Bun, Deno), which is
   * used by default because it is several times faster; the tokens are the same bytes either way.
   */
  webCrypto?: boolean
  /**
   * How many verified tokens this codec keeps, so a token seen before costs no HMAC (default
   * 1000, at most 2 KiB each; `false` for none). Ages are judged on a hit as on a miss.
   */
  cache?: number | false
}

/** itsdangerous' default salt; its 'django-concat' key is SHA-1(salt + 'signer' + secret_key). */
const OWNER = 'starletteCodec'
const SALT = 'itsdangerous.Signer'
const DEFAULT_MAX_AGE = 14 * 24 * 60 * 60
const SIGNATURE_BYTES = 20 // HMAC-SHA1
const STARLETTE_OPTIONS = {
  ...PYTHON_OPTIONS,
  // itsdangerous takes max_age 0 (and None, our null).
  maxAge: optional(secondsRule({ nullable: true, min: 0 }), DEFAULT_MAX_AGE),
  cache: cacheRule,
}

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
  const {
    secretKey,
    maxAge,
    clockTolerance: skew,
    now,
    webCrypto,
    cache,
  } = checkOptions(OWNER, options ?? null, STARLETTE_OPTIONS)
  const keys = derivedKeys(secretKey, SALT, 'concat', ['SHA-1'], webCrypto)
  const rule = { boundary: 'age', wholeSeconds: true, skew, defaultMaxAge: null } as const
  return defineCodec<Verified>(
    {
      name: OWNER,
      size: (v) => v.text.length,
      async open(token) {
        const last = token.length <= MAX_TOKEN_LENGTH ? token.lastIndexOf('.') : -1
        const middle = last > 0 ? token.lastIndexOf('.', last - 1) : -1
        if (middle < 0) throw new DecodeError('malformed')
        const signature = decodeBase64url(token.slice(last + 1))
        const timestamp = bytesToInt(decodeBase64url(token.slice(middle + 1, last)))
        if (signature?.length !== SIGNATURE_BYTES || timestamp === undefined) {
          throw new DecodeError('malformed')
        }
        const key = await keys.verify(signature, token.slice(0, last))
        if (key < 0) throw new DecodeError('signature')
        return { payload: { timestamp, text: base64Text(token.slice(0, middle)) }, key }
      },
      read: ({ timestamp, text }) => ({
        data: sessionData(text),
        // itsdangerous checks neither age nor a future timestamp without max_age. Starlette
        // re-signs on every response: a token a second old is renewed.
        times: maxAge === null ? undefined : { issued: timestamp, renewAfter: 1 },
      }),
      async seal(data, { now }) {
        const text = pythonJsonDumps(data)
        const value = `${encodeBase64(utf8(text))}.${encodeBase64url(intToBytes(now))}`
        const token = `${value}.${encodeBase64url(await keys.sign(value))}`
        // Starlette writes Max-Age only for a truthy max_age.
        return { token, payload: { timestamp: now, text }, maxAge: maxAge || null }
      },
    },
    { maxAge, now, cache, rule },
  )
}

/** The JSON text of a base64 payload. */
function base64Text(payload: string): string {
  const bytes = decodeBase64(payload)
  if (bytes === undefined) throw new DecodeError('malformed', 'session payload is not base64')
  return payloadText(bytes)
}

interface Verified {
  timestamp: number
  text: string
}
