/** @module expressSessionCodec: express-session's signed `connect.sid` with its data in connect-redis. */
import type { DecodedSession, EncodedSession, SessionData, SessionWrite } from '../backends.ts'
import { DecodeError, SessionError } from '../errors.ts'
import { encodeBase64url } from '../lib/base64url.ts'
import { type SessionCodec, sessionCodec } from '../lib/codec.ts'
import { hmacKeys } from '../lib/hmac.ts'
import { secretList } from '../lib/keys.ts'
import { MAX_TOKEN_LENGTH } from '../lib/limits.ts'
import {
  clockOption,
  configError,
  isPlainObject,
  optionsObject,
  secondsOption,
} from '../lib/options.ts'
import type { RedisCommandClient } from '../server/redis.ts'
import { DEADLINE, redisRunner, redisScripts } from '../server/redis-commands.ts'
import { storeGuard, timeoutOption } from '../server/store-call.ts'
import { diff, parse, serialize } from '../server/store-values.ts'
import { decodeBase64, encodeBase64 } from './python-json.ts'

export interface ExpressSessionCodecOptions {
  /** express-session's `secret`, as is; a list to rotate, newest first, as express-session takes it. */
  secret: string | readonly string[]
  /** The node-redis client connect-redis uses (or any object with `sendCommand(args)`). */
  client: RedisCommandClient
  /** connect-redis' `prefix`; default `sess:`. */
  prefix?: string
  /** connect-redis' `ttl` in seconds, for a session whose cookie has no expiry; default 86400. */
  ttl?: number
  /**
   * express-session's `cookie` option for sessions started here; `maxAge` in seconds (Express
   * takes milliseconds). Sessions started by Express keep the cookie object Express stored.
   */
  cookie?: {
    maxAge?: number | null
    path?: string
    httpOnly?: boolean
    secure?: boolean
    domain?: string
    sameSite?: 'lax' | 'strict' | 'none' | boolean
  }
  /** express-session's `rolling`: re-issue the cookie and reset its expiry on every request. */
  rolling?: boolean
  /**
   * Seconds each Redis call may take (fractions allowed), default 2, as in `storeCodec`: when
   * they pass, or Redis fails, the request fails with `ERR_SESSION_STORE` (`withSession` answers
   * 503 or calls `onStoreError`), and a write still in flight is refused by Redis when it arrives.
   */
  timeout?: number
  /** The clock, in milliseconds like `Date.now`. */
  now?: () => number
  /**
   * HMAC through WebCrypto even where the runtime has `node:crypto` (Node, Bun, Deno), which is
   * used by default because it is several times faster; the tokens are the same bytes either way.
   */
  webCrypto?: boolean
}

/** express-session's `cookie` object, as connect-redis stores it beside the data. */
type StoredCookie = Record<string, unknown> & { originalMaxAge?: number | null; expires?: string }

/** What one request decoded, handed back on encode. */
interface Loaded {
  cookie: StoredCookie
  /** Each key's JSON as read: what the request changed, should the record be gone at commit. */
  values: Map<string, string>
}

// Each script runs atomically after the deadline check (ARGV[1]). SAVE writes the record (ARGV[2])
// for ARGV[3] seconds; with ARGV[4] = '1' only over a record that still exists, so a write that
// races a logout cannot bring the session back.
const SAVE = `${DEADLINE}if ARGV[4] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1`
const DELETE = `${DEADLINE}return redis.call('DEL', KEYS[1])`

/** uid-safe(24), express-session's session id: 32 base64url characters. */
const ID_BYTES = 24
const ID = /^[A-Za-z0-9_-]{1,128}$/

/**
 * Shares sessions with an Express app that uses express-session and connect-redis over one Redis:
 * reads and writes its `connect.sid` cookie (`s:<id>.<HMAC-SHA256>`, URL-encoded as Express sends
 * it, signed as cookie-signature signs it; no other spelling is read) and its record at
 * `sess:<id>`, keeping the `cookie` object express-session needs and the TTL connect-redis would
 * set. Each write replaces the whole record, as express-session's does: of two concurrent writes
 * to one session the last one wins, but a session destroyed meanwhile stays destroyed (what the
 * late request changed moves to a new session). Every Redis call has `timeout`, as in storeCodec.
 *
 * @example
 * import { createClient } from 'redis'
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect()
 * const backends = {
 *   codec: expressSessionCodec({ secret: process.env.EXPRESS_SESSION_SECRET!, client: redis }),
 *   ...cookie({ name: 'connect.sid', secure: false }),
 * }
 */
export function expressSessionCodec(options: ExpressSessionCodecOptions): SessionCodec {
  const owner = 'expressSessionCodec'
  const fail = (message: string): never => configError(owner, message)
  optionsObject(owner, options ?? null, {
    secret: 1,
    client: 1,
    prefix: 1,
    ttl: 1,
    cookie: 1,
    rolling: 1,
    timeout: 1,
    now: 1,
    webCrypto: 1,
  })
  const keys = hmacKeys(
    secretList(options.secret, owner, 1, 'secret'),
    'SHA-256',
    options.webCrypto,
  )
  const client = options.client
  if (typeof client?.sendCommand !== 'function') {
    fail('client must be a node-redis client, or an object with sendCommand(args)')
  }
  const run = redisRunner(client, owner)
  const script = redisScripts(run)
  const guard = storeGuard(timeoutOption(owner, options.timeout))
  const prefix = options.prefix ?? 'sess:'
  if (typeof prefix !== 'string') fail('prefix must be a string')
  const ttl = secondsOption(owner, 'ttl', options.ttl) ?? 86400
  const now = clockOption(owner, options.now)
  const rolling = options.rolling ?? false
  const fresh = newCookie(options.cookie ?? {}, fail)

  /** The session id inside the cookie value, and the index of the secret that signed it. */
  async function unsign(token: string): Promise<{ id: string; index: number }> {
    let value: string
    try {
      value = token.length <= MAX_TOKEN_LENGTH ? decodeURIComponent(token) : ''
    } catch {
      throw new DecodeError('malformed')
    }
    const dot = value.lastIndexOf('.')
    const id = value.slice(2, dot)
    const mac = decodeBase64(padded(value.slice(dot + 1)))
    if (!value.startsWith('s:') || dot < 2 || !ID.test(id) || mac?.length !== 32) {
      throw new DecodeError('malformed')
    }
    // One spelling only, so a token cannot be respelled past a deny-list or a cache key.
    if (token !== spell(id, mac)) throw new DecodeError('malformed')
    const index = await keys.verify(mac, id)
    if (index < 0) throw new DecodeError('signature')
    return { id, index }
  }

  async function decodeSession(token: string): Promise<DecodedSession> {
    const { id, index } = await unsign(token)
    const key = prefix + id
    const json = await guard('get', (call) => run(key, ['GET', key], call.signal))
    if (json === null || json === undefined) throw new DecodeError('unknown')
    let record: unknown
    try {
      record = JSON.parse(String(json))
    } catch (cause) {
      throw new DecodeError('malformed', 'stored session is not JSON', { cause })
    }
    if (!isPlainObject(record)) {
      throw new DecodeError('malformed', 'stored session is not an object')
    }
    const { cookie, ...data } = record as SessionData & { cookie?: StoredCookie }
    const expires = cookie?.expires === undefined ? Number.NaN : Date.parse(cookie.expires)
    if (expires <= now()) throw new DecodeError('expired')
    const state: Loaded = { cookie: cookie ?? { ...fresh }, values: serialize(data) }
    const original = state.cookie.originalMaxAge
    const session: DecodedSession = { data, id, state }
    if (typeof original === 'number') session.maxAge = Math.floor(original / 1000)
    if (index > 0 || rolling) session.renew = true
    return session
  }

  async function encodeSession(data: SessionData, write: SessionWrite): Promise<EncodedSession> {
    if ('cookie' in data) {
      throw new SessionError(
        'ERR_SESSION_TOKEN',
        'expressSessionCodec: "cookie" is express-session\'s own key',
      )
    }
    const previous = write.previous
    const loaded = previous?.state as Loaded | undefined
    const id = previous?.id ?? write.id ?? createId()
    if (!ID.test(id))
      throw new SessionError('ERR_SESSION_TOKEN', 'expressSessionCodec: not an express-session id')
    if (previous?.id === undefined || loaded === undefined) {
      return (await save(id, fresh, data, false)) as EncodedSession
    }
    const values = serialize(data)
    const saved = await save(id, loaded.cookie, data, true)
    if (saved !== undefined) {
      loaded.values = values
      return saved
    }
    // Destroyed or expired since this request read it: the old id stays dead. Only what this
    // request changed itself moves to a new session, so a racing write cannot undo a logout.
    const changed = parse(new Map(Object.entries(diff(loaded.values, values, 0).set)))
    return (await save(createId(), fresh, changed, false)) as EncodedSession
  }

  /** Writes the record; `undefined` when `existing` and the record is gone. */
  async function save(
    id: string,
    stored: StoredCookie,
    data: SessionData,
    existing: boolean,
  ): Promise<EncodedSession | undefined> {
    const cookie: StoredCookie = { ...stored }
    // express-session's touch(): the expiry restarts from originalMaxAge on every saved request.
    if (typeof cookie.originalMaxAge === 'number') {
      cookie.expires = new Date(now() + cookie.originalMaxAge).toISOString()
    }
    const seconds =
      typeof cookie.expires === 'string'
        ? Math.ceil((Date.parse(cookie.expires) - now()) / 1000)
        : ttl
    const key = prefix + id
    if (seconds > 0) {
      const args = [JSON.stringify({ cookie, ...data }), String(seconds), existing ? '1' : '0']
      const done = await guard('set', (call) => script(SAVE, key, args, call))
      if (Number(done) !== 1) return undefined
    } else {
      await guard('delete', (call) => script(DELETE, key, [], call))
    }
    const encoded: EncodedSession = { token: spell(id, await keys.sign(id)), id }
    if (typeof cookie.originalMaxAge === 'number')
      encoded.maxAge = Math.floor(cookie.originalMaxAge / 1000)
    return encoded
  }

  function createId(): string {
    return encodeBase64url(crypto.getRandomValues(new Uint8Array(ID_BYTES)))
  }

  return sessionCodec({
    encodeSession,
    decodeSession,
    createId,
    async destroy(token: string): Promise<void> {
      const { id } = await unsign(token).catch(() => ({ id: undefined }))
      if (id !== undefined) await guard('delete', (call) => script(DELETE, prefix + id, [], call))
    },
  })
}

/** cookie-signature's `s:` + id + `.` + unpadded base64 MAC, URL-encoded as express-session sends it. */
function spell(id: string, mac: Uint8Array): string {
  return encodeURIComponent(`s:${id}.${encodeBase64(mac).replace(/=+$/, '')}`)
}

function padded(base64: string): string {
  return base64 + '='.repeat((4 - (base64.length % 4)) % 4)
}

/** express-session's `new Cookie(options).toJSON()` for a session begun here, in Express' key order. */
function newCookie(
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
