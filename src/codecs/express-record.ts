/** @module expressSessionCodec's record: connect-redis' JSON, with express-session's cookie object. */
import type { SessionData } from '../backends.ts'
import { DecodeError } from '../errors.ts'
import type { HmacKeys } from '../lib/hmac.ts'
import { MAX_TOKEN_LENGTH } from '../lib/limits.ts'
import { isPlainObject } from '../lib/options.ts'
import type { RedisCommandClient } from '../server/redis.ts'
import type { OpenedToken } from './define-codec.ts'
import type { ExpressSessionCodecOptions } from './express.ts'
import { decodeBase64 } from './python-json.ts'

/** express-session's ids: uid-safe's base64url, within reason. */
export const EXPRESS_ID: RegExp = /^[A-Za-z0-9_-]{1,128}$/

/** The session id inside a `connect.sid` value, and the index of the secret that signed it. */
export async function unsign(token: string, keys: HmacKeys): Promise<OpenedToken<string>> {
  let value: string
  try {
    value = token.length <= MAX_TOKEN_LENGTH ? decodeURIComponent(token) : ''
  } catch {
    throw new DecodeError('malformed')
  }
  const dot = value.lastIndexOf('.')
  const id = value.slice(2, dot)
  const mac = decodeBase64(padded(value.slice(dot + 1)))
  if (!value.startsWith('s:') || dot < 2 || !EXPRESS_ID.test(id) || mac?.length !== 32) {
    throw new DecodeError('malformed')
  }
  const key = await keys.verify(mac, id)
  if (key < 0) throw new DecodeError('signature')
  return { payload: id, key }
}

/** express-session's `cookie` object, as connect-redis stores it beside the data. */
export type StoredCookie = Record<string, unknown> & {
  originalMaxAge?: number | null
  expires?: string
}

/** connect-redis' record: the data and express-session's cookie object. */
export async function load(
  client: RedisCommandClient,
  key: string,
): Promise<SessionData & { cookie?: StoredCookie }> {
  const json = await client.sendCommand(['GET', key])
  if (json === null || json === undefined) throw new DecodeError('unknown')
  let record: unknown
  try {
    record = JSON.parse(String(json))
  } catch (cause) {
    throw new DecodeError('malformed', 'stored session is not JSON', { cause })
  }
  if (!isPlainObject(record)) throw new DecodeError('malformed', 'stored session is not an object')
  return record
}

function padded(base64: string): string {
  return base64 + '='.repeat((4 - (base64.length % 4)) % 4)
}

/** express-session's `new Cookie(options).toJSON()` for a session begun here, in Express' key order. */
export function newCookie(
  options: NonNullable<ExpressSessionCodecOptions['cookie']>,
  fail: (message: string) => never,
): StoredCookie {
  const { maxAge = null, path = '/', httpOnly = true, secure, domain, sameSite } = options
  if (maxAge !== null && (!Number.isSafeInteger(maxAge) || maxAge < 1)) {
    fail('cookie.maxAge must be a whole number of seconds, or null')
  }
  const cookie: StoredCookie = { originalMaxAge: maxAge === null ? null : maxAge * 1000 }
  // Written on every save; set here so the key keeps Express' place.
  if (maxAge !== null) cookie.expires = ''
  if (secure !== undefined) cookie.secure = secure
  cookie.httpOnly = httpOnly
  if (domain !== undefined) cookie.domain = domain
  cookie.path = path
  if (sameSite !== undefined) cookie.sameSite = sameSite
  return cookie
}
