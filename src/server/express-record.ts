/** @module expressSessionCodec's record: connect-redis' JSON, with express-session's cookie object. */
import type { SessionData } from '../backends.ts'
import type { OpenedToken } from '../codecs/define-codec.ts'
import { DecodeError } from '../errors.ts'
import { decodeBase64, encodeBase64 } from '../lib/base64url.ts'
import type { HmacKeys } from '../lib/hmac.ts'
import { MAX_TOKEN_LENGTH } from '../lib/limits.ts'
import { isPlainObject } from '../lib/options.ts'
import type { ExpressSessionCodecOptions } from './express-options.ts'
import { DEADLINE } from './redis-commands.ts'

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
  // One spelling only, so a token cannot be respelled past a deny-list or a cache key.
  if (token !== spell(id, mac)) throw new DecodeError('malformed')
  const key = await keys.verify(mac, id)
  if (key < 0) throw new DecodeError('signature')
  return { payload: id, key }
}

/** express-session's `cookie` object, as connect-redis stores it beside the data. */
export type StoredCookie = Record<string, unknown> & {
  originalMaxAge?: number | null
  expires?: string
}

/** What one request read, handed back to `seal`. */
export interface Loaded {
  cookie: StoredCookie
  /** Each key's JSON as read: what the request changed, should the record be gone at commit. */
  values: Map<string, string>
}

// Each script runs atomically after the deadline check (ARGV[1]). SAVE writes the record (ARGV[2])
// for ARGV[3] seconds; with ARGV[4] = '1' only over a record that still exists, so a write that
// races a logout cannot bring the session back.
export const SAVE: string = `${DEADLINE}if ARGV[4] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1`
export const DELETE: string = `${DEADLINE}return redis.call('DEL', KEYS[1])`

/** cookie-signature's `s:` + id + `.` + unpadded base64 MAC, URL-encoded as express-session sends it. */
export function spell(id: string, mac: Uint8Array): string {
  return encodeURIComponent(`s:${id}.${encodeBase64(mac).replace(/=+$/, '')}`)
}

/** connect-redis' record, from GET's reply: the data and express-session's cookie object. */
export function parseRecord(json: unknown): SessionData & { cookie?: StoredCookie } {
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
    fail('.maxAge must be a whole number of seconds, or null')
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
