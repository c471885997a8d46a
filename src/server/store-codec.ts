/** @module storeCodec: an opaque session id in the token, the data in a server-side store. */
import type { DecodedSession, EncodedSession, SessionData, SessionWrite } from '../backends.ts'
import { FLASH_KEY } from '../backends.ts'
import { DecodeError } from '../errors.ts'
import { decodeBase64url, encodeBase64url } from '../lib/base64url.ts'
import { type SessionCodec, sessionCodec } from '../lib/codec.ts'
import { hmacKeys } from '../lib/hmac.ts'
import { secretList } from '../lib/keys.ts'
import { type LifetimeOptions, lifetime } from '../lib/lifetime.ts'
import { configError, optionsObject } from '../lib/options.ts'
import { tokenCache } from '../lib/token-cache.ts'
import {
  destroyIndexed,
  type IndexContext,
  type Indexed,
  indexed,
  listIndexed,
} from './session-index.ts'
import { storeGuard, timeoutOption } from './store-call.ts'
import { diff, parse, serialize } from './store-values.ts'
import {
  isStoreRecord,
  type SessionIndex,
  type SessionStore,
  type SessionSummary,
  type StoreRecord,
} from './types.ts'

export interface StoreCodecOptions extends LifetimeOptions {
  /** Where the session data lives: `memoryStore()`, `redisStore(client)`, `kvStore(env.KV)`, … */
  store: SessionStore
  /**
   * HMAC secrets of at least 32 bytes, newest first. When given, the id carries a tag, so a forged
   * or guessed id is turned down before any store round trip.
   */
  secrets?: string | readonly string[]
  /**
   * HMAC through WebCrypto even where the runtime has `node:crypto` (Node, Bun, Deno), which is
   * used by default because it is several times faster; the tokens are the same bytes either way.
   */
  webCrypto?: boolean
  /**
   * With `secrets`: how many verified tokens this codec keeps, so an id seen before costs no HMAC
   * (default 1000; `false` for none). The store is read on every request either way.
   */
  cache?: number | false
  /**
   * Seconds each store call may take (fractions allowed), default 2. When they pass the request
   * fails with `ERR_SESSION_STORE` (`withSession` answers 503), the call's `AbortSignal` aborts,
   * and a write still in flight is refused by the store when it arrives.
   */
  timeout?: number
  /**
   * Keeps, per user, the ids of their live sessions: return the user's id for a session's data
   * (or `{ user, info }`, `info` a small summary such as a device name), `undefined` for none.
   * Enables `listSessions(user)` and `destroySessions(user, { except })`. The store must
   * implement `indexSet`, `indexDelete` and `indexList`.
   */
  index?: SessionIndex
}

/** A storeCodec: a codec, plus ids and, with `index`, the sessions of each user. */
export interface StoreCodec extends SessionCodec {
  createId(): string
  /**
   * The live sessions of `user`, most recently seen first (needs `index`). Pass the current
   * request's `session.id` as `current` to mark it.
   */
  listSessions(user: string, options?: { current?: string }): Promise<SessionSummary[]>
  /**
   * Deletes every session of `user` except `except` (the current `session.id`, for "log out the
   * other devices", or the `handle` that `listSessions` shows); returns how many live sessions were
   * deleted (needs `index`). Any other `except` is refused with `ERR_SESSION_CONFIG`, since it would
   * match no session and end the current one too.
   */
  destroySessions(user: string, options?: { except?: string }): Promise<number>
}

const OWNER = 'storeCodec'
/** 128 random bits: 22 base64url characters. */
const ID_BYTES = 16
const ID_LENGTH = 22
const TAG_LENGTH = 43
/** Keeps a tag made for a store id apart from a tag the same secret makes in another codec. */
const TAG_CONTEXT = 'fetch-session store id '

interface Verified {
  id: string
  /** Tagged by an older secret. */
  stale: boolean
}

/** What one request decoded, handed back on encode: each key's JSON as stored, to diff against. */
interface Loaded {
  values: Map<string, string>
  /** The token the request presented, when it is still current: reused instead of re-signing. */
  token?: string
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
 * const codec = storeCodec({
 *   store: redisStore(redis),
 *   secrets: [env.SESSION_SECRET],
 *   maxAge: 7 * 24 * 3600,
 *   idleTimeout: 3600,
 * })
 */
export function storeCodec(options: StoreCodecOptions): StoreCodec {
  optionsObject(OWNER, options ?? null, {
    store: 1,
    secrets: 1,
    maxAge: 1,
    idleTimeout: 1,
    clockTolerance: 1,
    now: 1,
    webCrypto: 1,
    cache: 1,
    timeout: 1,
    index: 1,
  })
  const store = options.store
  if (
    typeof store?.get !== 'function' ||
    typeof store.set !== 'function' ||
    typeof store.patch !== 'function' ||
    typeof store.delete !== 'function'
  ) {
    configError(OWNER, 'store must have get, set, patch and delete')
  }
  const keys =
    options.secrets === undefined
      ? undefined
      : hmacKeys(secretList(options.secrets, OWNER, 32), 'SHA-256', options.webCrypto)
  const life = lifetime(options, OWNER)
  const guard = storeGuard(timeoutOption(OWNER, options.timeout))
  const index = options.index
  if (index !== undefined) {
    if (typeof index !== 'function') configError(OWNER, 'index must be a function of the data')
    if (
      typeof store.indexSet !== 'function' ||
      typeof store.indexDelete !== 'function' ||
      typeof store.indexList !== 'function'
    ) {
      configError(OWNER, 'index needs a store with indexSet, indexDelete and indexList')
    }
  }
  const indexContext: IndexContext | undefined =
    index === undefined ? undefined : { store, guard, life, index, data: recordData }

  /** Moves the session's index entry from what it was (`before`) to what `data` says. */
  async function reindex(
    id: string,
    created: number,
    maxAge: number | undefined,
    before: Indexed | undefined,
    data: SessionData,
  ): Promise<Indexed | undefined> {
    if (index === undefined) return undefined
    const now = indexed(index, data)
    if (before !== undefined && before.user !== now?.user) {
      await guard('indexDelete', (call) => store.indexDelete!(before.user, id, call))
    }
    if (now !== undefined && (now.user !== before?.user || now.info !== before.info)) {
      const absolute = life.absolute(maxAge)
      const expires = absolute === null ? undefined : created + absolute + 1
      const entry = { id, created, info: now.info, expires }
      await guard('indexSet', (call) => store.indexSet!(now.user, entry, call))
    }
    return now
  }

  /** Deletes a record, and its index entry when the data names a user. */
  async function remove(id: string, data: SessionData | undefined): Promise<void> {
    await guard('delete', (call) => store.delete(id, call))
    const entry = data === undefined ? undefined : indexed(index, data)
    if (entry !== undefined) {
      await guard('indexDelete', (call) => store.indexDelete!(entry.user, id, call))
    }
  }

  const cache = keys === undefined ? undefined : tokenCache<Verified>(OWNER, options.cache, () => 0)

  async function tokenFor(id: string): Promise<string> {
    if (keys === undefined) return id
    const token = `${id}.${encodeBase64url(await keys.sign(TAG_CONTEXT + id))}`
    cache?.set(token, { id, stale: false })
    return token
  }

  /** The id inside `token`, and whether its tag was made by an older secret. */
  async function verify(token: string): Promise<Verified> {
    const hit = cache?.get(token)
    if (hit !== undefined) return hit
    const id = token.slice(0, ID_LENGTH)
    const length = keys !== undefined ? ID_LENGTH + 1 + TAG_LENGTH : ID_LENGTH
    if (token.length !== length || decodeBase64url(id)?.length !== ID_BYTES) {
      throw new DecodeError('malformed')
    }
    if (keys === undefined) return { id, stale: false }
    const mac = token[ID_LENGTH] === '.' ? decodeBase64url(token.slice(ID_LENGTH + 1)) : undefined
    if (mac === undefined) throw new DecodeError('malformed')
    const signer = await keys.verify(mac, TAG_CONTEXT + id)
    if (signer < 0) throw new DecodeError('signature')
    const verified = { id, stale: signer > 0 }
    cache?.set(token, verified)
    return verified
  }

  /** Stores `values` as a new session under `id`: new sessions, regenerate(), a record gone. */
  async function issue(
    id: string,
    values: Map<string, string>,
    maxAge: number | undefined,
  ): Promise<EncodedSession> {
    const now = life.stamp()
    const record = { created: now, touched: now, maxAge, values: Object.fromEntries(values) }
    await guard('set', (call) => store.set(id, record, ttl(now, now, maxAge), call))
    if (index !== undefined) await reindex(id, now, maxAge, undefined, parse(values))
    return { token: await tokenFor(id), id, started: now, maxAge: life.remaining(now, now, maxAge) }
  }

  /** Kept a little past the deadline, so the codec sees the record expire instead of vanish. */
  function ttl(created: number, now: number, maxAge: number | undefined): number | undefined {
    const remaining = life.remaining(created, now, maxAge)
    return remaining === undefined ? undefined : Math.max(1, Math.ceil(remaining) + 1)
  }

  function createId(): string {
    return encodeBase64url(crypto.getRandomValues(new Uint8Array(ID_BYTES)))
  }

  const codec = sessionCodec({
    reportsStart: true,
    createId,

    async encodeSession(data: SessionData, write: SessionWrite): Promise<EncodedSession> {
      const values = serialize(data)
      const previous = write.previous
      const loaded = previous?.state as Loaded | undefined
      if (previous?.id === undefined || loaded === undefined || previous.started === undefined) {
        return issue(write.id ?? createId(), values, write.maxAge)
      }
      const { id, started } = previous
      const now = life.stamp()
      if (write.maxAge !== previous.maxAge) {
        // A new lifetime rewrites the record: rare (a login's "remember me"), so not a patch.
        const record = {
          created: started,
          touched: now,
          maxAge: write.maxAge,
          values: Object.fromEntries(values),
        }
        await guard('set', (call) => store.set(id, record, ttl(started, now, write.maxAge), call))
      } else {
        const patch = diff(loaded.values, values, now)
        const expiry = ttl(started, now, write.maxAge)
        if (!(await guard('patch', (call) => store.patch(id, patch, expiry, call)))) {
          // Destroyed or expired since this request read it: the old id stays dead. Only what this
          // request changed itself moves to a new id, so a racing write cannot undo a logout.
          return issue(createId(), new Map(Object.entries(patch.set)), write.maxAge)
        }
      }
      loaded.values = values
      if (index !== undefined) {
        loaded.indexed = await reindex(id, started, write.maxAge, loaded.indexed, data)
      }
      return {
        token: loaded.token ?? (await tokenFor(id)),
        id,
        started,
        maxAge: life.remaining(started, now, write.maxAge),
      }
    },

    async decodeSession(token: string): Promise<DecodedSession> {
      const { id, stale } = await verify(token)
      const record = await guard('get', (call) => store.get(id, call))
      if (record === undefined) throw new DecodeError('unknown')
      if (!isStoreRecord(record)) throw new DecodeError('malformed', 'stored session is not valid')
      let renew: boolean
      try {
        renew = life.check(record.created, record.touched, record.maxAge) || stale
      } catch (error) {
        // Expired or idle is final; a record from a clock ahead of ours is only turned down.
        if ((error as DecodeError).reason !== 'future') await remove(id, recordData(record))
        throw error
      }
      const values = new Map(Object.entries(record.values))
      const data = parse(values)
      const state: Loaded = { values, token: stale ? undefined : token }
      if (index !== undefined) state.indexed = indexed(index, data)
      if (values.has(FLASH_KEY) && store.take !== undefined) {
        // Taken from the store in one step, so exactly one of many concurrent requests gets the
        // flash; the encode that follows puts back what the handler did not read.
        const taken = await guard('take', (call) => store.take!(id, FLASH_KEY, call))
        values.delete(FLASH_KEY)
        delete data[FLASH_KEY]
        if (taken !== undefined) {
          Object.assign(data, parse(new Map([[FLASH_KEY, taken]])))
          renew = true
        }
      }
      return {
        data,
        started: record.created,
        renew,
        id,
        maxAge: record.maxAge,
        state,
      }
    },

    async destroy(token: string): Promise<void> {
      const id = (await verify(token).catch(() => undefined))?.id
      cache?.delete(token)
      if (id === undefined) return
      const record =
        index === undefined ? undefined : await guard('get', (call) => store.get(id, call))
      await remove(id, record === undefined ? undefined : recordData(record))
    },

    listSessions(user: string, options: { current?: string } = {}): Promise<SessionSummary[]> {
      return listIndexed(needIndex(indexContext), user, options.current)
    },

    destroySessions(user: string, options: { except?: string } = {}): Promise<number> {
      return destroyIndexed(needIndex(indexContext), user, options.except)
    },
  })
  return codec
}

function needIndex(context: IndexContext | undefined): IndexContext {
  if (context === undefined) configError(OWNER, 'listSessions and destroySessions need index')
  return context
}

/** A stored record's data, or `undefined` when it does not parse. */
function recordData(record: StoreRecord): SessionData | undefined {
  try {
    return isStoreRecord(record) ? parse(new Map(Object.entries(record.values))) : undefined
  } catch {
    return undefined
  }
}
