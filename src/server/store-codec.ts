/** @module storeCodec: an opaque session id in the token, the data in a server-side store. */
import { FLASH_KEY, type SessionData } from '../backends.ts'
import { defineCodec, type ReadSession, type SealStamp } from '../codecs/define-codec.ts'
import { DecodeError } from '../errors.ts'
import { decodeBase64url, encodeBase64url } from '../lib/base64url.ts'
import { hmacKeys } from '../lib/hmac.ts'
import { secretList } from '../lib/keys.ts'
import { lifetime } from '../lib/lifetime.ts'
import { configError, optionsObject } from '../lib/options.ts'
import { destroyIndexed, type Indexed, indexed, listIndexed, userIndex } from './session-index.ts'
import { storeGuard, timeoutOption } from './store-call.ts'
import type { StoreCodec, StoreCodecOptions } from './store-codec-types.ts'
import { isStoreRecord } from './store-record.ts'
import { diff, parse, serialize } from './store-values.ts'
import type { StoreRecord } from './types.ts'

export type { StoreCodec, StoreCodecOptions }

const OWNER = 'storeCodec'
/** 128 random bits: 22 base64url characters. */
const ID_BYTES = 16
const ID_LENGTH = 22
const TAG_LENGTH = 43
/** Keeps a tag made for a store id apart from a tag the same secret makes in another codec. */
const TAG_CONTEXT = 'fetch-session store id '

/** What one request read, handed back on encode: each key's JSON as stored, to diff against. */
interface Loaded {
  values: Map<string, string>
  /** The session's entry in the user index when it was read (`index` only). */
  indexed?: Indexed
}

/**
 * A server-side codec: the token is a random session id (optionally HMAC-tagged) and the data
 * stays in `store`. On commit only the keys this request changed are written, atomically where
 * the store can, so concurrent requests that change different keys lose nothing; two requests
 * changing the same key: the last commit wins for that key. An id the store does not know is never
 * adopted: the request gets an empty session and the next write issues a fresh id. A record is
 * deleted once it is expired or idle; one from a clock ahead of this one is turned down, not
 * deleted. `decode` and `encode` work alone too: `encode(data)` stores a new session.
 *
 * @example
 * const codec = storeCodec({ store: redisStore(redis), secrets: [env.SESSION_SECRET], maxAge: 7 * 24 * 3600, idleTimeout: 3600 })
 */
export function storeCodec(options: StoreCodecOptions): StoreCodec {
  optionsObject(OWNER, options ?? null, {
    ...{ store: 1, secrets: 1, maxAge: 1, idleTimeout: 1, clockTolerance: 1, now: 1 },
    ...{ webCrypto: 1, cache: 1, timeout: 1, index: 1 },
  })
  const { store, index, maxAge, idleTimeout, clockTolerance, now } = options
  if (!['get', 'set', 'patch', 'delete'].every((m) => typeof store?.[m as 'get'] === 'function')) {
    configError(OWNER, 'store must have get, set, patch and delete')
  }
  const keys =
    options.secrets === undefined
      ? undefined
      : hmacKeys(secretList(options.secrets, OWNER, 32), 'SHA-256', options.webCrypto)
  const life = lifetime({ maxAge, idleTimeout, clockTolerance, now }, OWNER)
  const guard = storeGuard(timeoutOption(OWNER, options.timeout))
  if (index !== undefined) {
    if (typeof index !== 'function') configError(OWNER, 'index must be a function of the data')
    if (
      !['indexSet', 'indexDelete', 'indexList'].every(
        (m) => typeof store[m as 'get'] === 'function',
      )
    ) {
      configError(OWNER, 'index needs a store with indexSet, indexDelete and indexList')
    }
  }
  const users = userIndex({ store, guard, life, index, data: recordData })
  const context = () => {
    if (index === undefined) configError(OWNER, 'listSessions and destroySessions need index')
    return { store, guard, life, index, data: recordData }
  }
  const tag = async (id: string) =>
    keys === undefined ? id : `${id}.${encodeBase64url(await keys.sign(TAG_CONTEXT + id))}`
  const createId = () => encodeBase64url(crypto.getRandomValues(new Uint8Array(ID_BYTES)))
  /** Kept a little past the deadline, so the codec sees the record expire instead of vanish. */
  const ttl = ({ expires, now }: SealStamp<Loaded>) =>
    expires === undefined ? undefined : Math.max(1, Math.ceil(expires - now) + 1)

  /** Stores `values` as a new session under `id`: new sessions, regenerate(), a record gone. */
  async function issue(id: string, values: Map<string, string>, stamp: SealStamp<Loaded>) {
    const { started, now, maxAge } = stamp
    const record = { created: started, touched: now, maxAge, values: Object.fromEntries(values) }
    await guard('set', (call) => store.set(id, record, ttl(stamp), call))
    await users.reindex(id, started, maxAge, undefined, parse(values))
    return { token: await tag(id), payload: id, id }
  }

  const codec = defineCodec<string, Loaded>(
    {
      name: OWNER,
      reportsStart: true,
      createId,
      async open(token) {
        const id = token.slice(0, ID_LENGTH)
        const length = keys !== undefined ? ID_LENGTH + 1 + TAG_LENGTH : ID_LENGTH
        if (token.length !== length || decodeBase64url(id)?.length !== ID_BYTES) {
          throw new DecodeError('malformed')
        }
        if (keys === undefined) return { payload: id }
        const mac =
          token[ID_LENGTH] === '.' ? decodeBase64url(token.slice(ID_LENGTH + 1)) : undefined
        if (mac === undefined) throw new DecodeError('malformed')
        const key = await keys.verify(mac, TAG_CONTEXT + id)
        if (key < 0) throw new DecodeError('signature')
        return { payload: id, key }
      },
      async read(id) {
        const record = await guard('get', (call) => store.get(id, call))
        if (record === undefined) throw new DecodeError('unknown')
        if (!isStoreRecord(record))
          throw new DecodeError('malformed', 'stored session is not valid')
        const values = new Map(Object.entries(record.values))
        const { created: started, touched: issued, maxAge } = record
        const state: Loaded = { values, indexed: index && indexed(index, parse(values)) }
        return { data: parse(values), times: { started, issued, maxAge }, id, state }
      },
      // Expired or idle is final; a record from a clock ahead of ours is only turned down.
      expire: async (read) => users.remove(read.id!, read.data),
      async accept(read: ReadSession<Loaded>) {
        const { values } = read.state!
        if (!values.has(FLASH_KEY) || store.take === undefined) return read
        // Taken from the store in one step, so exactly one of many concurrent requests gets the
        // flash; the encode that follows puts back what the handler did not read.
        const taken = await guard('take', (call) => store.take!(read.id!, FLASH_KEY, call))
        values.delete(FLASH_KEY)
        const data = parse(values)
        if (taken === undefined) return { ...read, data }
        return { ...read, data: { ...data, ...parse(new Map([[FLASH_KEY, taken]])) }, renew: true }
      },
      async seal(data, stamp) {
        const values = serialize(data)
        const { previous, started, now, maxAge } = stamp
        const loaded = previous?.state
        if (previous?.id === undefined || loaded === undefined) {
          return issue(stamp.id ?? createId(), values, stamp)
        }
        const id = previous.id
        if (maxAge !== previous.maxAge) {
          // A new lifetime rewrites the record: rare (a login's "remember me"), so not a patch.
          const record = {
            created: started,
            touched: now,
            maxAge,
            values: Object.fromEntries(values),
          }
          await guard('set', (call) => store.set(id, record, ttl(stamp), call))
        } else {
          const patch = diff(loaded.values, values, now)
          if (!(await guard('patch', (call) => store.patch(id, patch, ttl(stamp), call)))) {
            // Destroyed or expired since this request read it: the old id stays dead. Only what this
            // request changed itself moves to a new id, so a racing write cannot undo a logout.
            return issue(createId(), new Map(Object.entries(patch.set)), stamp)
          }
        }
        loaded.values = values
        loaded.indexed = await users.reindex(id, started, maxAge, loaded.indexed, data)
        // A token tagged by the newest secret is the same token: no HMAC.
        const token = previous.key === 0 ? previous.token : await tag(id)
        return { token, payload: id, id }
      },
      async destroy(_token, opened) {
        if (opened === undefined) return
        const id = opened.payload
        const record = index && (await guard('get', (call) => store.get(id, call)))
        await users.remove(id, record === undefined ? undefined : recordData(record))
      },
    },
    { maxAge, idleTimeout, clockTolerance, now, cache: keys === undefined ? false : options.cache },
  )
  return {
    ...codec,
    createId,
    listSessions: (user, { current } = {}) => listIndexed(context(), user, current),
    destroySessions: (user, { except } = {}) => destroyIndexed(context(), user, except),
  }
}

/** A stored record's data, or `undefined` when it does not parse. */
function recordData(record: StoreRecord): SessionData | undefined {
  try {
    return isStoreRecord(record) ? parse(new Map(Object.entries(record.values))) : undefined
  } catch {
    return undefined
  }
}
