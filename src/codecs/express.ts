/** @module expressSessionCodec: express-session's signed `connect.sid` with its data in connect-redis. */
import type { SessionCodec } from '../backends.ts'
import { SessionError } from '../errors.ts'
import { encodeBase64url } from '../lib/base64url.ts'
import { hmacKeys } from '../lib/hmac.ts'
import { secretList } from '../lib/keys.ts'
import { clockOption, configError, optionsObject, secondsOption } from '../lib/options.ts'
import type { RedisCommandClient } from '../server/redis.ts'
import { defineCodec } from './define-codec.ts'
import { EXPRESS_ID, load, newCookie, type StoredCookie, unsign } from './express-record.ts'
import { encodeBase64 } from './python-json.ts'

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

const KNOWN = { secret: 1, client: 1, prefix: 1, ttl: 1, cookie: 1 }
const MORE = { rolling: 1, now: 1, webCrypto: 1 }
/** uid-safe(24), express-session's session id: 32 base64url characters. */
const ID_BYTES = 24

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
  optionsObject(owner, options ?? null, { ...KNOWN, ...MORE })
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

  const createId = () => encodeBase64url(crypto.getRandomValues(new Uint8Array(ID_BYTES)))

  return defineCodec<string, StoredCookie>(
    {
      name: owner,
      createId,
      open: (token) => unsign(token, keys),
      async read(id) {
        const { cookie, ...data } = await load(client, prefix + id)
        const expires = cookie?.expires === undefined ? undefined : Date.parse(cookie.expires)
        const original = cookie?.originalMaxAge
        // express-session: a session whose cookie expired is gone (expires <= now).
        const times = {
          expires: Number.isNaN(expires) ? undefined : (expires as number) / 1000,
          maxAge: typeof original === 'number' ? Math.floor(original / 1000) : undefined,
        }
        return { data, id, state: cookie ?? { ...fresh }, times, renew: rolling }
      },
      async seal(data, { id: newId, previous }) {
        if ('cookie' in data) {
          throw new SessionError(
            'ERR_SESSION_TOKEN',
            `${owner}: "cookie" is express-session's own key`,
          )
        }
        const id = previous?.id ?? newId ?? createId()
        if (!EXPRESS_ID.test(id))
          throw new SessionError('ERR_SESSION_TOKEN', `${owner}: not an express-session id`)
        const cookie: StoredCookie = { ...(previous?.state ?? fresh) }
        // express-session's touch(): the expiry restarts from originalMaxAge on every saved request.
        const original = cookie.originalMaxAge
        if (typeof original === 'number') cookie.expires = new Date(now() + original).toISOString()
        const seconds =
          typeof cookie.expires === 'string'
            ? Math.ceil((Date.parse(cookie.expires) - now()) / 1000)
            : ttl
        const record = JSON.stringify({ cookie, ...data })
        if (seconds > 0)
          await client.sendCommand(['SET', prefix + id, record, 'EX', String(seconds)])
        else await client.sendCommand(['DEL', prefix + id])
        const signed = `s:${id}.${encodeBase64(await keys.sign(id)).replace(/=+$/, '')}`
        const maxAge = typeof original === 'number' ? Math.floor(original / 1000) : null
        return { token: encodeURIComponent(signed), payload: id, id, maxAge }
      },
      async destroy(_token, opened) {
        if (opened !== undefined) await client.sendCommand(['DEL', prefix + opened.payload])
      },
    },
    { now: options.now, cache: false, rule: { defaultMaxAge: null } },
  )
}
