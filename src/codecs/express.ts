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

/** uid-safe(24), express-session's session id: 32 base64url characters. */
const ID_BYTES = 24
const ID = /^[A-Za-z0-9_-]{1,128}$/

/**
 * Shares sessions with an Express app that uses express-session and connect-redis over one Redis:
 * reads and writes its `connect.sid` cookie (`s:<id>.<HMAC-SHA256>`, URL-encoded as Express sends
 * it, signed as cookie-signature signs it) and its record at `sess:<id>`, keeping the `cookie`
 * object express-session needs and the TTL connect-redis would set. Each write replaces the whole
 * record, as express-session's does: of two concurrent writes to one session the last one wins.
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
    const index = await keys.verify(mac, id)
    if (index < 0) throw new DecodeError('signature')
    return { id, index }
  }

  async function decodeSession(token: string): Promise<DecodedSession> {
    const { id, index } = await unsign(token)
    const json = await client.sendCommand(['GET', prefix + id])
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
    const state: StoredCookie = cookie ?? { ...fresh }
    const original = state.originalMaxAge
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
    const id = write.previous?.id ?? write.id ?? createId()
    if (!ID.test(id))
      throw new SessionError('ERR_SESSION_TOKEN', 'expressSessionCodec: not an express-session id')
    const cookie: StoredCookie = {
      ...((write.previous?.state as StoredCookie | undefined) ?? fresh),
    }
    // express-session's touch(): the expiry restarts from originalMaxAge on every saved request.
    if (typeof cookie.originalMaxAge === 'number') {
      cookie.expires = new Date(now() + cookie.originalMaxAge).toISOString()
    }
    const seconds =
      typeof cookie.expires === 'string'
        ? Math.ceil((Date.parse(cookie.expires) - now()) / 1000)
        : ttl
    if (seconds > 0) {
      await client.sendCommand([
        'SET',
        prefix + id,
        JSON.stringify({ cookie, ...data }),
        'EX',
        String(seconds),
      ])
    } else {
      await client.sendCommand(['DEL', prefix + id])
    }
    const signed = `s:${id}.${encodeBase64(await keys.sign(id)).replace(/=+$/, '')}`
    const encoded: EncodedSession = { token: encodeURIComponent(signed), id }
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
      if (id !== undefined) await client.sendCommand(['DEL', prefix + id])
    },
  })
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
