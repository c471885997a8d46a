/** @module flaskCodec: the signed session cookie of Flask's default session interface. */
import type { SessionCodec, SessionData } from '../backends.ts'
import { DecodeError } from '../errors.ts'
import { decodeBase64url, encodeBase64url, utf8 } from '../lib/base64url.ts'
import { payloadText, sessionData } from '../lib/json.ts'
import { MAX_TOKEN_LENGTH } from '../lib/limits.ts'
import {
  booleanRule,
  checkOptions,
  type OptionRule,
  optional,
  secondsRule,
  stringRule,
} from '../lib/options.ts'
import { defineCodec } from './define-codec.ts'
import { tag, untag } from './flask-tags.ts'
import {
  bytesToInt,
  derivedKeys,
  dumpPayload,
  intToBytes,
  loadPayload,
  signature,
  verifyingKey,
} from './itsdangerous.ts'
import { pythonJsonCompact } from './python-json-compact.ts'
import { type ClockOptions, PYTHON_OPTIONS } from './python-options.ts'

export interface FlaskCodecOptions extends ClockOptions {
  /**
   * Flask's `SECRET_KEY`, as is; a list to rotate, newest first: `[SECRET_KEY,
   * ...SECRET_KEY_FALLBACKS]`. The first signs, every one verifies. Any non-empty string is
   * accepted because the Flask app already uses it; a short one lets anyone holding a cookie
   * guess it offline and forge sessions.
   */
  secretKey: string | readonly string[]
  /**
   * Flask's `PERMANENT_SESSION_LIFETIME` in seconds (default 31 days). Flask refuses older cookies
   * whether or not the session is permanent; the cookie gets this Max-Age only when the session
   * holds `_permanent: true` (Flask's `session.permanent`), else it lasts until the browser closes.
   */
  maxAge?: number
  /** Flask's `SESSION_REFRESH_EACH_REQUEST` (default true): re-sign a permanent session on every request. */
  refreshEachRequest?: boolean
  /**
   * Top-level session keys under which `{ $markup: html }` is written as Flask's `Markup`, HTML
   * that Jinja renders unescaped (for Markup in flashed messages: `['_flashes']`). Under every
   * other key `{ $markup }` is written as a plain dict, which Jinja escapes, so HTML shaped by
   * users (their JSON saved in the session) never becomes trusted. Default: none. Reading is not
   * affected: Flask's own `Markup` always arrives as `{ $markup: html }`.
   */
  trustedMarkup?: readonly string[]
  /** `SecureCookieSessionInterface.salt`; default `cookie-session`. */
  salt?: string
  /**
   * HMAC through WebCrypto even where the runtime has `node:crypto` (Node, Bun, Deno), which is
   * used by default because it is several times faster; the tokens are the same bytes either way.
   */
  webCrypto?: boolean
}

const OWNER = 'flaskCodec'
const DEFAULT_MAX_AGE = 31 * 24 * 60 * 60
const SIGNATURE_BYTES = 20 // HMAC-SHA1
const FLASK_OPTIONS = {
  ...PYTHON_OPTIONS,
  // itsdangerous takes max_age 0.
  maxAge: optional(secondsRule({ min: 0 }), DEFAULT_MAX_AGE) as OptionRule<number>,
  refreshEachRequest: booleanRule(true),
  salt: stringRule('cookie-session'),
  trustedMarkup: optional((value, fail) => {
    if (!Array.isArray(value) || value.some((key) => typeof key !== 'string')) {
      fail('must be a list of session keys')
    }
    return value as string[]
  }, [] as string[]),
}

/**
 * Reads and writes the session cookie of Flask's `SecureCookieSessionInterface` byte for byte, so a
 * Flask service and a fetch-session service share one login: itsdangerous'
 * `URLSafeTimedSerializer` (salt `cookie-session`, HMAC key derivation, SHA-1) over Flask's tagged
 * JSON, zlib-compressed when that is shorter. The data is signed, not encrypted. Tuples, bytes,
 * datetimes, UUIDs and Markup come as one-key objects (`{ $tuple: [...] }`, …), see the guide;
 * `{ $markup }` goes back as Markup only under the keys named in `trustedMarkup`.
 *
 * @example
 * const backends = {
 *   codec: flaskCodec({ secretKey: [env.FLASK_SECRET_KEY, env.FLASK_OLD_SECRET_KEY] }),
 *   ...cookie({ name: 'session', secure: false }),
 * }
 */
export function flaskCodec(options: FlaskCodecOptions): SessionCodec {
  const {
    secretKey,
    maxAge,
    refreshEachRequest: refresh,
    ...checked
  } = checkOptions(OWNER, options ?? null, FLASK_OPTIONS)
  const trusted = new Set(checked.trustedMarkup)
  const keys = derivedKeys(secretKey, checked.salt, 'hmac', ['SHA-1'], checked.webCrypto)
  // itsdangerous: refused when age > max_age (so accepted at exactly max_age) or age < 0.
  const rule = { boundary: 'age', wholeSeconds: true, skew: checked.clockTolerance } as const
  return defineCodec<{ timestamp: number; payload: string }>(
    {
      name: OWNER,
      async open(token) {
        const last = token.length <= MAX_TOKEN_LENGTH ? token.lastIndexOf('.') : -1
        const middle = last > 0 ? token.lastIndexOf('.', last - 1) : -1
        if (middle < 0) throw new DecodeError('malformed')
        const timestamp = bytesToInt(decodeBase64url(token.slice(middle + 1, last)))
        const mac = decodeBase64url(token.slice(last + 1))
        if (timestamp === undefined || mac?.length !== SIGNATURE_BYTES) {
          throw new DecodeError('malformed')
        }
        const key = await verifyingKey(keys, token.slice(0, last), token.slice(last + 1))
        if (key < 0) throw new DecodeError('signature')
        return { payload: { timestamp, payload: token.slice(0, middle) }, key }
      },
      async read({ timestamp, payload }) {
        const data = parse(await loadPayload(payload))
        // Flask re-signs a permanent session on every request with SESSION_REFRESH_EACH_REQUEST.
        const renewAfter = refresh && data._permanent === true ? 1 : undefined
        return { data, times: { issued: timestamp, renewAfter } }
      },
      async seal(data, { now }) {
        const json = utf8(pythonJsonCompact(tag(data, trusted), true))
        const value = `${await dumpPayload(json, true)}.${encodeBase64url(intToBytes(now))}`
        // Flask gives the cookie an expiry only for a permanent session.
        return {
          token: `${value}.${await signature(keys, value)}`,
          maxAge: data._permanent === true ? maxAge : null,
        }
      },
    },
    { maxAge, now: checked.now, cache: false, rule },
  )
}

function parse(bytes: Uint8Array): SessionData {
  return sessionData(payloadText(bytes), (value) => untag(value as Parameters<typeof untag>[0]))
}
