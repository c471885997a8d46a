/** @module flaskCodec: the signed session cookie of Flask's default session interface. */
import type { DecodedSession, EncodedSession, SessionData, SessionWrite } from '../backends.ts'
import { DecodeError } from '../errors.ts'
import { decodeBase64url, encodeBase64url, utf8 } from '../lib/base64url.ts'
import { type SessionCodec, sessionCodec } from '../lib/codec.ts'
import { payloadText, sessionData } from '../lib/json.ts'
import { secretList } from '../lib/keys.ts'
import { DEFAULT_CLOCK_TOLERANCE } from '../lib/lifetime.ts'
import { MAX_TOKEN_LENGTH } from '../lib/limits.ts'
import {
  clockOption,
  configError,
  optionsObject,
  secondsOption,
  toleranceOption,
} from '../lib/options.ts'
import { tag, untag } from './flask-tags.ts'
import {
  bytesToInt,
  type ClockOptions,
  derivedKeys,
  dumpPayload,
  intToBytes,
  loadPayload,
  signature,
  verifyingKey,
} from './itsdangerous.ts'
import { pythonJsonCompact } from './python-json-compact.ts'

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
  /** `SecureCookieSessionInterface.salt`; default `cookie-session`. */
  salt?: string
  /**
   * HMAC through WebCrypto even where the runtime has `node:crypto` (Node, Bun, Deno), which is
   * used by default because it is several times faster; the tokens are the same bytes either way.
   */
  webCrypto?: boolean
}

const DEFAULT_MAX_AGE = 31 * 24 * 60 * 60
const SIGNATURE_BYTES = 20 // HMAC-SHA1

/**
 * Reads and writes the session cookie of Flask's `SecureCookieSessionInterface` byte for byte, so a
 * Flask service and a fetch-session service share one login: itsdangerous'
 * `URLSafeTimedSerializer` (salt `cookie-session`, HMAC key derivation, SHA-1) over Flask's tagged
 * JSON, zlib-compressed when that is shorter. The data is signed, not encrypted. Tuples, bytes,
 * datetimes, UUIDs and Markup come as one-key objects (`{ $tuple: [...] }`, …), see the guide.
 *
 * @example
 * const backends = {
 *   codec: flaskCodec({ secretKey: [env.FLASK_SECRET_KEY, env.FLASK_OLD_SECRET_KEY] }),
 *   ...cookie({ name: 'session', secure: false }),
 * }
 */
export function flaskCodec(options: FlaskCodecOptions): SessionCodec {
  const owner = 'flaskCodec'
  const fail = (message: string): never => configError(owner, message)
  optionsObject(owner, options ?? null, {
    secretKey: 1,
    maxAge: 1,
    refreshEachRequest: 1,
    salt: 1,
    webCrypto: 1,
    clockTolerance: 1,
    now: 1,
  })
  const now = clockOption(owner, options.now)
  const tolerance = toleranceOption(owner, options.clockTolerance, DEFAULT_CLOCK_TOLERANCE)
  const secrets = secretList(options.secretKey, owner, 1, 'secretKey')
  const maxAge = secondsOption(owner, 'maxAge', options.maxAge, false, 0) ?? DEFAULT_MAX_AGE
  const salt = options.salt ?? 'cookie-session'
  if (typeof salt !== 'string') fail('salt must be a string')
  const refresh = options.refreshEachRequest ?? true
  if (typeof refresh !== 'boolean') fail('refreshEachRequest must be a boolean')
  const keys = derivedKeys(secrets, salt, 'hmac', ['SHA-1'], options.webCrypto)
  const seconds = (): number => Math.floor(now() / 1000)

  async function encodeSession(data: SessionData, _write: SessionWrite): Promise<EncodedSession> {
    const json = utf8(pythonJsonCompact(tag(data), true))
    const value = `${await dumpPayload(json, true)}.${encodeBase64url(intToBytes(seconds()))}`
    const token = `${value}.${await signature(keys, value)}`
    // Flask gives the cookie an expiry only for a permanent session.
    return data._permanent === true ? { token, maxAge } : { token }
  }

  async function decodeSession(token: string): Promise<DecodedSession> {
    const last = token.length <= MAX_TOKEN_LENGTH ? token.lastIndexOf('.') : -1
    const middle = last > 0 ? token.lastIndexOf('.', last - 1) : -1
    if (middle < 0) throw new DecodeError('malformed')
    const timestamp = bytesToInt(decodeBase64url(token.slice(middle + 1, last)))
    const mac = decodeBase64url(token.slice(last + 1))
    if (timestamp === undefined || mac?.length !== SIGNATURE_BYTES) {
      throw new DecodeError('malformed')
    }
    const index = await verifyingKey(keys, token.slice(0, last), token.slice(last + 1))
    if (index < 0) throw new DecodeError('signature')
    // itsdangerous: refused when age > max_age, so accepted at exactly max_age.
    const current = seconds()
    if (current - timestamp > maxAge) throw new DecodeError('expired')
    if (timestamp > current + tolerance) throw new DecodeError('future')
    const data = parse(await loadPayload(token.slice(0, middle)))
    const renew = index > 0 || (refresh && data._permanent === true && timestamp < current)
    return renew ? { data, renew } : { data }
  }

  return sessionCodec({ encodeSession, decodeSession })
}

function parse(bytes: Uint8Array): SessionData {
  return sessionData(payloadText(bytes), (value) => untag(value as Parameters<typeof untag>[0]))
}
