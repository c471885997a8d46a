/** @module expressSessionCodec: express-session's signed `connect.sid` with its data in connect-redis. */
import type { SessionCodec, SessionData } from '../backends.ts'
import { defineCodec, type SealedToken } from '../codecs/define-codec.ts'
import { SessionError } from '../errors.ts'
import { encodeBase64url } from '../lib/base64url.ts'
import { hmacKeys } from '../lib/hmac.ts'
import { secretsRule } from '../lib/keys.ts'
import {
  booleanRule,
  checkOptions,
  clockRule,
  isPlainObject,
  type OptionRule,
  optional,
  secondsRule,
  stringRule,
} from '../lib/options.ts'
import {
  DELETE,
  EXPRESS_ID,
  type Loaded,
  newCookie,
  parseRecord,
  SAVE,
  type StoredCookie,
  spell,
  unsign,
} from './express-record.ts'
import type { RedisCommandClient } from './redis.ts'
import { redisRunner, redisScripts } from './redis-commands.ts'
import { storeGuard, timeoutRule } from './store-call.ts'
import { diff, parse, serialize } from './store-values.ts'

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

const EXPRESS_OPTIONS = {
  secret: secretsRule(1),
  client: ((value, fail) => {
    if (typeof (value as RedisCommandClient | undefined)?.sendCommand !== 'function') {
      fail('must be a node-redis client, or an object with sendCommand(args)')
    }
    return value as RedisCommandClient
  }) as OptionRule<RedisCommandClient>,
  prefix: stringRule('sess:'),
  ttl: optional(secondsRule(), 86400) as OptionRule<number>,
  cookie: ((value, fail) => {
    if (value !== undefined && !isPlainObject(value)) fail('must be an object')
    return newCookie((value ?? {}) as NonNullable<ExpressSessionCodecOptions['cookie']>, fail)
  }) as OptionRule<StoredCookie>,
  rolling: booleanRule(false),
  timeout: timeoutRule,
  now: clockRule,
  webCrypto: booleanRule(false),
}
/** uid-safe(24), express-session's session id: 32 base64url characters. */
const ID_BYTES = 24

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
  const checked = checkOptions(owner, options ?? null, EXPRESS_OPTIONS)
  const { client, prefix, ttl, now, rolling, cookie: fresh } = checked
  const keys = hmacKeys(checked.secret, 'SHA-256', checked.webCrypto)
  const run = redisRunner(client, owner)
  const script = redisScripts(run)
  const guard = storeGuard(checked.timeout)

  const createId = () => encodeBase64url(crypto.getRandomValues(new Uint8Array(ID_BYTES)))

  /** Writes the record; `undefined` when `existing` and the record is gone. */
  async function save(
    id: string,
    stored: StoredCookie,
    data: SessionData,
    existing: boolean,
  ): Promise<SealedToken<string> | undefined> {
    const cookie: StoredCookie = { ...stored }
    // express-session's touch(): the expiry restarts from originalMaxAge on every saved request.
    const original = cookie.originalMaxAge
    if (typeof original === 'number') cookie.expires = new Date(now() + original).toISOString()
    const seconds =
      typeof cookie.expires === 'string'
        ? Math.ceil((Date.parse(cookie.expires) - now()) / 1000)
        : ttl
    const key = prefix + id
    if (seconds > 0) {
      const args = [JSON.stringify({ cookie, ...data }), String(seconds), existing ? '1' : '0']
      if (Number(await guard('set', (call) => script(SAVE, key, args, call))) !== 1) return
    } else await guard('delete', (call) => script(DELETE, key, [], call))
    const maxAge = typeof original === 'number' ? Math.floor(original / 1000) : null
    return { token: spell(id, await keys.sign(id)), payload: id, id, maxAge }
  }

  return defineCodec<string, Loaded>(
    {
      name: owner,
      createId,
      open: (token) => unsign(token, keys),
      async read(id) {
        const key = prefix + id
        const json = await guard('get', (call) => run(key, ['GET', key], call.signal))
        const { cookie, ...data } = parseRecord(json)
        const expires = cookie?.expires === undefined ? undefined : Date.parse(cookie.expires)
        const original = cookie?.originalMaxAge
        // express-session: a session whose cookie expired is gone (expires <= now).
        const times = {
          expires: Number.isNaN(expires) ? undefined : (expires as number) / 1000,
          maxAge: typeof original === 'number' ? Math.floor(original / 1000) : undefined,
        }
        const state = { cookie: cookie ?? { ...fresh }, values: serialize(data) }
        return { data, id, state, times, renew: rolling }
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
        const loaded = previous?.state
        if (previous?.id === undefined || loaded === undefined) {
          return (await save(id, fresh, data, false)) as SealedToken<string>
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
        return (await save(createId(), fresh, changed, false)) as SealedToken<string>
      },
      async destroy(_token, opened) {
        if (opened === undefined) return
        const key = prefix + opened.payload
        await guard('delete', (call) => script(DELETE, key, [], call))
      },
    },
    { now, cache: false, rule: { defaultMaxAge: null } },
  )
}
