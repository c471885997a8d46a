/** @module kvStore: server-side sessions in Cloudflare Workers KV (eventually consistent). */
import { SessionError } from '../errors.ts'
import { optionsObject } from '../lib/options.ts'
import {
  applyPatch,
  isStoreRecord,
  type SessionStore,
  type StorePatch,
  type StoreRecord,
} from './types.ts'

/** The part of a Workers `KVNamespace` binding this store uses. */
export interface KvNamespaceLike {
  get(key: string): Promise<string | null>
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<unknown>
  delete(key: string): Promise<unknown>
}

export interface KvStoreOptions {
  /** Prefix of every key this store writes. Default `session:`. */
  prefix?: string
}

/** Workers KV refuses an `expirationTtl` under 60 seconds. */
const MIN_TTL = 60

/**
 * Keeps sessions in a Workers KV namespace, one JSON value per session.
 *
 * Weaker guarantees than the other stores, because KV has no atomic operations and is eventually
 * consistent: a patch is read-modify-write, so two requests committing the same session at the
 * same moment can lose one's changes (last writer wins for the whole record); a deleted session
 * (logout) can still be read for up to about 60 seconds at other edge locations; KV accepts about
 * one write per second per key. A TTL under 60 s is stored as 60 s: `storeCodec` still rejects
 * the session on time, from the record's own times. Use a Durable Object behind a custom
 * `SessionStore` when these matter.
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
  optionsObject('kvStore', options ?? null, { prefix: 1 })
  const prefix = options.prefix ?? 'session:'
  if (typeof prefix !== 'string') {
    throw new SessionError('ERR_SESSION_CONFIG', 'kvStore prefix must be a string')
  }
  const put = (id: string, record: StoreRecord, ttl: number | undefined) =>
    namespace.put(
      prefix + id,
      JSON.stringify(record),
      ttl === undefined ? {} : { expirationTtl: Math.max(MIN_TTL, Math.ceil(ttl)) },
    )

  async function read(id: string): Promise<StoreRecord | undefined> {
    const text = await namespace.get(prefix + id)
    if (text === null) return undefined
    try {
      const record: unknown = JSON.parse(text)
      return isStoreRecord(record) ? record : undefined
    } catch {
      // Not ours or damaged: the codec treats the id as unknown and issues a fresh one.
      return undefined
    }
  }

  return {
    get: read,
    async set(id: string, record: StoreRecord, ttl: number | undefined): Promise<void> {
      await put(id, record, ttl)
    },
    async patch(id: string, patch: StorePatch, ttl: number | undefined): Promise<boolean> {
      const record = await read(id)
      if (record === undefined) return false
      applyPatch(record.values, patch)
      record.touched = patch.touched
      await put(id, record, ttl)
      return true
    },
    async delete(id: string): Promise<void> {
      await namespace.delete(prefix + id)
    },
  }
}
