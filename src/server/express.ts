/** @module expressSessionCodec: express-session's signed `connect.sid` with its data in connect-redis. */
import type { SessionCodec, SessionData } from '../backends.ts'
import { defineCodec, type SealedToken } from '../codecs/define-codec.ts'
import { SessionError } from '../errors.ts'
import { encodeBase64url } from '../lib/base64url.ts'
import { hmacKeys } from '../lib/hmac.ts'
import { checkOptions } from '../lib/options.ts'
import { EXPRESS_OPTIONS, type ExpressSessionCodecOptions } from './express-options.ts'
import {
  DELETE,
  EXPRESS_ID,
  type Loaded,
  parseRecord,
  SAVE,
  type StoredCookie,
  spell,
  unsign,
} from './express-record.ts'
import { redisRunner, redisScripts } from './redis-commands.ts'
import { storeGuard } from './store-call.ts'
import { diff, parse, serialize } from './store-values.ts'

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
