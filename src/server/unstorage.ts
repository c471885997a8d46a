/** @module unstorageStore: server-side sessions in any unstorage driver (not atomic). */
import { checkOptions, clockRule, configError, stringRule } from '../lib/options.ts'
import {
  applyPatch,
  checkDeadline,
  indexEntryTtl,
  isStoreIndexEntry,
  isStoreRecord,
} from '../store.ts'
import type { SessionStore, StoreCall, StoreIndexEntry, StorePatch, StoreRecord } from './types.ts'

/** The part of an unstorage `Storage` (`createStorage({ driver })`) this store uses. */
export interface UnstorageLike {
  getItemRaw(key: string): Promise<unknown>
  setItemRaw(key: string, value: string, options?: { ttl?: number }): Promise<void>
  removeItem(key: string): Promise<void>
  /** Needed for storeCodec's `index` only. */
  getKeys?(base: string): Promise<string[]>
}

export interface UnstorageStoreOptions {
  /** Prefix of every key this store writes. Default `session:`. */
  prefix?: string
  /** The clock, in milliseconds like `Date.now`; inject one to test expiry without waiting. */
  now?: () => number
}

const UNSTORAGE_OPTIONS = { prefix: stringRule('session:'), now: clockRule }

/** What one key holds: the value and when it expires (milliseconds, `null`: never). */
interface Saved {
  expires: number | null
  value: unknown
}

const text = (raw: unknown): string | undefined => {
  if (typeof raw === 'string') return raw
  if (raw instanceof Uint8Array || raw instanceof ArrayBuffer) return new TextDecoder().decode(raw)
  return undefined
}

/**
 * Keeps sessions in an unstorage `Storage`, so any of its drivers (memory, fs, Redis, Netlify
 * Blobs, Vercel KV, …) can hold them: one JSON value per session, read and written raw, so
 * unstorage's own parsing (which drops a `__proto__` key) never sees the data. Every value carries
 * its own deadline, checked on read, because most drivers have no TTL; it is also passed as `ttl`
 * for the drivers that have one (Redis). unstorage has no compare-and-set and no transaction, so
 * this store is not atomic, like `kvStore`: a patch reads, then writes the whole record, so two
 * requests committing the same session at the same moment can lose one's changes (the last writer
 * wins); a flash can be read by concurrent requests; a patch racing a logout can write the record
 * back. Measured over HTTP: of 50 writers setting their own key of one session, about 1 is kept.
 * Use `redisStore` on Redis when these matter.
 *
 * @example
 * import { createStorage } from 'unstorage'
 * import fsDriver from 'unstorage/drivers/fs'
 *
 * const storage = createStorage({ driver: fsDriver({ base: './.sessions' }) })
 * const codec = storeCodec({ store: unstorageStore(storage), secrets: [env.SESSION_SECRET] })
 */
export function unstorageStore(
  storage: UnstorageLike,
  options: UnstorageStoreOptions = {},
): SessionStore {
  if (typeof storage?.getItemRaw !== 'function' || typeof storage.setItemRaw !== 'function') {
    configError('unstorageStore', 'needs an unstorage Storage (createStorage())')
  }
  const { prefix, now } = checkOptions('unstorageStore', options, UNSTORAGE_OPTIONS)
  const userBase = (user: string) => `${prefix}user:${encodeURIComponent(user)}:`

  async function load(key: string): Promise<unknown> {
    const raw = text(await storage.getItemRaw(key))
    if (raw === undefined) return undefined
    let saved: Partial<Saved>
    try {
      saved = JSON.parse(raw) as Partial<Saved>
    } catch {
      return undefined
    }
    if (typeof saved?.expires === 'number' && saved.expires <= now()) {
      await storage.removeItem(key)
      return undefined
    }
    return saved?.value
  }

  const save = (key: string, value: unknown, ttl: number | undefined) => {
    const saved: Saved = { expires: ttl === undefined ? null : now() + ttl * 1000, value }
    return storage.setItemRaw(key, JSON.stringify(saved), ttl === undefined ? {} : { ttl })
  }

  async function read(id: string): Promise<StoreRecord | undefined> {
    const value = await load(prefix + id)
    // Not ours or damaged: the codec treats the id as unknown and issues a fresh one.
    return isStoreRecord(value) ? value : undefined
  }

  // No compare-and-set: each deadline is checked just before the write.
  return {
    get: read,
    async set(id: string, record: StoreRecord, ttl: number | undefined, call?: StoreCall) {
      checkDeadline(call, 'set')
      await save(prefix + id, record, ttl)
    },
    async patch(id: string, patch: StorePatch, ttl: number | undefined, call?: StoreCall) {
      const record = await read(id)
      if (record === undefined) return false
      applyPatch(record, patch)
      checkDeadline(call, 'patch')
      await save(prefix + id, record, ttl)
      return true
    },
    async delete(id: string, call?: StoreCall): Promise<void> {
      checkDeadline(call, 'delete')
      await storage.removeItem(prefix + id)
    },
    async indexSet(user: string, entry: StoreIndexEntry, call?: StoreCall): Promise<void> {
      checkDeadline(call, 'indexSet')
      await save(userBase(user) + entry.id, entry, indexEntryTtl(entry, now()))
    },
    async indexDelete(user: string, id: string): Promise<void> {
      await storage.removeItem(userBase(user) + id)
    },
    async indexList(user: string): Promise<StoreIndexEntry[]> {
      if (typeof storage.getKeys !== 'function')
        throw new Error('unstorageStore index needs getKeys')
      const entries: StoreIndexEntry[] = []
      for (const key of await storage.getKeys(userBase(user))) {
        const entry = await load(key)
        if (isStoreIndexEntry(entry)) entries.push(entry)
      }
      return entries
    },
  }
}
