/** @module memoryStore: server-side sessions in this process's memory, bounded in size. */

import { clockOption, configError, optionsObject } from '../lib/options.ts'
import { applyPatch, type SessionStore, type StorePatch, type StoreRecord } from './types.ts'

export interface MemoryStoreOptions {
  /** Most sessions kept at once; when full, the least recently written one goes. Default 10 000. */
  maxEntries?: number
  /** The clock, in milliseconds like `Date.now`; inject one to test expiry without waiting. */
  now?: () => number
}

interface Entry {
  record: StoreRecord
  /** Milliseconds since the epoch, or `Infinity`. */
  expires: number
}

/** How many of the oldest entries each write checks for expiry, so memory shrinks without timers. */
const SWEEP = 2

/**
 * Keeps sessions in a `Map` in this process: for development, tests and single-process servers.
 * Sessions vanish on restart and are not shared between processes or Workers isolates. Every
 * operation runs synchronously, so a patch is atomic.
 *
 * @example
 * const codec = storeCodec({ store: memoryStore({ maxEntries: 50_000 }), idleTimeout: 1800 })
 */
export function memoryStore(options: MemoryStoreOptions = {}): SessionStore {
  optionsObject('memoryStore', options ?? null, { maxEntries: 1, now: 1 })
  const maxEntries = options.maxEntries ?? 10_000
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    configError('memoryStore', 'maxEntries must be a positive integer')
  }
  const now = clockOption('memoryStore', options.now)
  // Insertion order is write order: a write moves its entry to the end, so the first is the oldest.
  const entries = new Map<string, Entry>()

  function live(id: string): Entry | undefined {
    const entry = entries.get(id)
    if (entry !== undefined && entry.expires <= now()) {
      entries.delete(id)
      return undefined
    }
    return entry
  }

  function write(id: string, record: StoreRecord, ttl: number | undefined): void {
    entries.delete(id)
    const time = now()
    let checked = 0
    for (const [oldest, entry] of entries) {
      if (entries.size >= maxEntries) entries.delete(oldest)
      else if (checked++ < SWEEP && entry.expires <= time) entries.delete(oldest)
      else break
    }
    entries.set(id, { record, expires: ttl === undefined ? Infinity : time + ttl * 1000 })
  }

  return {
    async get(id: string): Promise<StoreRecord | undefined> {
      const entry = live(id)
      return entry === undefined ? undefined : copy(entry.record)
    },
    async set(id: string, record: StoreRecord, ttl: number | undefined): Promise<void> {
      write(id, copy(record), ttl)
    },
    async patch(id: string, patch: StorePatch, ttl: number | undefined): Promise<boolean> {
      const entry = live(id)
      if (entry === undefined) return false
      applyPatch(entry.record.values, patch)
      entry.record.touched = patch.touched
      write(id, entry.record, ttl)
      return true
    },
    async delete(id: string): Promise<void> {
      entries.delete(id)
    },
  }
}

/** Callers get their own copy, so nothing they change reaches the store without a write. */
function copy(record: StoreRecord): StoreRecord {
  return { ...record, values: { ...record.values } }
}
