/** @module kvStore: server-side sessions in Cloudflare Workers KV (eventually consistent). */
import { SessionError } from '../errors.ts'
import { checkOptions, stringRule } from '../lib/options.ts'
import {
  applyPatch,
  checkDeadline,
  indexEntryTtl,
  parseStoreIndexEntry,
  parseStoreRecord,
} from '../store.ts'
import type { SessionStore, StoreCall, StoreIndexEntry, StorePatch, StoreRecord } from './types.ts'

/** The part of a Workers `KVNamespace` binding this store uses. */
export interface KvNamespaceLike {
  get(key: string): Promise<string | null>
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<unknown>
  delete(key: string): Promise<unknown>
  /** Needed for storeCodec's `index` only. */
  list?(options: { prefix: string; cursor?: string }): Promise<{
    keys: { name: string }[]
    list_complete: boolean
    cursor?: string
  }>
}

export interface KvStoreOptions {
  /** Prefix of every key this store writes. Default `session:`. */
  prefix?: string
}

/** Workers KV refuses an `expirationTtl` under 60 seconds. */
const MIN_TTL = 60

const KV_OPTIONS = { prefix: stringRule('session:') }

/**
 * Keeps sessions in a Workers KV namespace, one JSON value per session.
 *
 * Weaker guarantees than the other stores, because KV has no atomic operations and is eventually
 * consistent: a patch is read-modify-write, so two requests committing the same session at the
 * same moment can lose one's changes (last writer wins for the whole record); a deleted session
 * (logout) can still be read for up to about 60 seconds at other edge locations; KV accepts about
 * one write per second per key. A TTL under 60 s is stored as 60 s: `storeCodec` still rejects
 * the session on time, from the record's own times. A flash can be read by concurrent requests,
 * and the user index (storeCodec's `index`, which needs `list`) is eventually consistent too.
 * Measured: 50 concurrent writers to one session keep about 3 of their 50 keys. Use
 * `durableObjectStore` when these matter.
 *
 * @example
 * export default {
 *   fetch: withSession(app, (request, env: Env) => ({
 *     codec: storeCodec({ store: kvStore(env.SESSIONS), secrets: env.SESSION_SECRET }),
 *     ...cookie({ name: '__Host-session' }),
 *   })),
 * }
 */
export function kvStore(namespace: KvNamespaceLike, options: KvStoreOptions = {}): SessionStore {
  if (typeof namespace?.get !== 'function' || typeof namespace.put !== 'function') {
    throw new SessionError('ERR_SESSION_CONFIG', 'kvStore needs a KV namespace binding')
  }
  const { prefix } = checkOptions('kvStore', options, KV_OPTIONS)
  const put = (id: string, record: StoreRecord, ttl: number | undefined) =>
    namespace.put(
      prefix + id,
      JSON.stringify(record),
      ttl === undefined ? {} : { expirationTtl: Math.max(MIN_TTL, Math.ceil(ttl)) },
    )

  async function read(id: string): Promise<StoreRecord | undefined> {
    const text = await namespace.get(prefix + id)
    // Not ours or damaged: the codec treats the id as unknown and issues a fresh one.
    return text === null ? undefined : parseStoreRecord(text)
  }

  const userKey = (user: string) => `${prefix}user:${encodeURIComponent(user)}/`

  // KV cannot compare times on its side: each deadline is checked just before the write.
  return {
    get: read,
    async set(id: string, record: StoreRecord, ttl: number | undefined, call?: StoreCall) {
      checkDeadline(call, 'set')
      await put(id, record, ttl)
    },
    async patch(id: string, patch: StorePatch, ttl: number | undefined, call?: StoreCall) {
      const record = await read(id)
      if (record === undefined) return false
      applyPatch(record, patch)
      checkDeadline(call, 'patch')
      await put(id, record, ttl)
      return true
    },
    async delete(id: string, call?: StoreCall): Promise<void> {
      checkDeadline(call, 'delete')
      await namespace.delete(prefix + id)
    },
    async indexSet(user: string, entry: StoreIndexEntry, call?: StoreCall): Promise<void> {
      checkDeadline(call, 'indexSet')
      const ttl = indexEntryTtl(entry)
      await namespace.put(
        userKey(user) + entry.id,
        JSON.stringify(entry),
        ttl === undefined ? {} : { expirationTtl: Math.max(MIN_TTL, ttl) },
      )
    },
    async indexDelete(user: string, id: string): Promise<void> {
      await namespace.delete(userKey(user) + id)
    },
    async indexList(user: string): Promise<StoreIndexEntry[]> {
      if (typeof namespace.list !== 'function') throw new Error('kvStore index needs list')
      const entries: StoreIndexEntry[] = []
      let cursor: string | undefined
      do {
        const page = await namespace.list({ prefix: userKey(user), cursor })
        for (const { name } of page.keys) {
          const text = await namespace.get(name)
          const entry = text === null ? undefined : parseStoreIndexEntry(text)
          if (entry !== undefined) entries.push(entry)
        }
        cursor = page.list_complete ? undefined : page.cursor
      } while (cursor !== undefined)
      return entries
    },
  }
}
