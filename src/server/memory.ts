/** @module memoryStore: server-side sessions in this process's memory, bounded in size. */

import { checkOptions, clockRule, countRule } from '../lib/options.ts'
import { applyPatch, checkDeadline, takeValue } from '../store.ts'
import type { SessionStore, StoreCall, StoreIndexEntry, StorePatch, StoreRecord } from './types.ts'

export interface MemoryStoreOptions {
  /**
   * Most sessions kept at once; when full, the least recently used one (read or written) goes.
   * Default 10 000.
   */
  maxEntries?: number
  /** The clock, in milliseconds like `Date.now`; inject one to test expiry without waiting. */
  now?: () => number
}

interface Entry {
  record: StoreRecord
  /** Milliseconds since the epoch, or `Infinity`. */
  expires: number
  /** The users whose index lists this session, so an evicted session leaves their index too. */
  users?: Set<string>
}

/** How many entries each call checks for expiry, so memory shrinks without a timer. */
const SWEEP = 4

const MEMORY_OPTIONS = { maxEntries: countRule(10_000), now: clockRule }

/**
 * Keeps sessions in a `Map` in this process: for development, tests and single-process servers.
 * Sessions vanish on restart and are not shared between processes or Workers isolates. Every
 * operation runs synchronously, so a patch is atomic. When full, the least recently used session
 * is evicted: a user who keeps making requests stays, but `maxEntries` new sessions created since
 * their last request (a flood of first visits) push them out. Each call also checks a few entries,
 * round-robin, and drops the expired ones: a bounded cost, no timer.
 *
 * @example
 * const codec = storeCodec({ store: memoryStore({ maxEntries: 50_000 }), idleTimeout: 1800 })
 */
export function memoryStore(options: MemoryStoreOptions = {}): SessionStore {
  const { maxEntries, now } = checkOptions('memoryStore', options, MEMORY_OPTIONS)
  // Map order is use order: a read or a write moves its entry to the end, so the first is the
  // least recently used.
  const entries = new Map<string, Entry>()
  const users = new Map<string, Map<string, StoreIndexEntry>>()
  let cursor: Iterator<[string, Entry]> | undefined

  function drop(id: string): void {
    const entry = entries.get(id)
    entries.delete(id)
    for (const user of entry?.users ?? []) unindex(user, id)
  }

  function unindex(user: string, id: string): void {
    const index = users.get(user)
    index?.delete(id)
    if (index?.size === 0) users.delete(user)
  }

  /** Checks the next few entries in turn; a Map iterator survives deletes and inserts. */
  function sweep(time: number): void {
    for (let checked = 0; checked < SWEEP && entries.size > 0; checked++) {
      cursor ??= entries.entries()
      const next = cursor.next()
      if (next.done) {
        cursor = undefined
        continue
      }
      const [id, entry] = next.value
      if (entry.expires <= time && entries.get(id) === entry) drop(id)
    }
  }

  function live(id: string): Entry | undefined {
    const time = now()
    sweep(time)
    const entry = entries.get(id)
    if (entry === undefined) return undefined
    if (entry.expires <= time) {
      drop(id)
      return undefined
    }
    // Used: to the end of the eviction order.
    entries.delete(id)
    entries.set(id, entry)
    return entry
  }

  function write(id: string, record: StoreRecord, ttl: number | undefined): void {
    const time = now()
    sweep(time)
    const previous = entries.get(id)
    entries.delete(id)
    for (const [oldest] of entries) {
      if (entries.size < maxEntries) break
      drop(oldest)
    }
    const expires = ttl === undefined ? Infinity : time + ttl * 1000
    entries.set(id, { record, expires, users: previous?.users })
  }

  return {
    async get(id: string): Promise<StoreRecord | undefined> {
      const entry = live(id)
      return entry === undefined ? undefined : copy(entry.record)
    },
    async set(
      id: string,
      record: StoreRecord,
      ttl: number | undefined,
      call?: StoreCall,
    ): Promise<void> {
      checkDeadline(call, 'set')
      write(id, copy(record), ttl)
    },
    async patch(
      id: string,
      patch: StorePatch,
      ttl: number | undefined,
      call?: StoreCall,
    ): Promise<boolean> {
      checkDeadline(call, 'patch')
      const entry = live(id)
      if (entry === undefined) return false
      applyPatch(entry.record, patch)
      write(id, entry.record, ttl)
      return true
    },
    async delete(id: string, call?: StoreCall): Promise<void> {
      checkDeadline(call, 'delete')
      drop(id)
    },
    async take(id: string, key: string, call?: StoreCall): Promise<string | undefined> {
      checkDeadline(call, 'take')
      const entry = live(id)
      return entry === undefined ? undefined : takeValue(entry.record, key)
    },
    async indexSet(user: string, entry: StoreIndexEntry, call?: StoreCall): Promise<void> {
      checkDeadline(call, 'indexSet')
      const session = entries.get(entry.id)
      if (session === undefined) return
      const index = users.get(user) ?? new Map<string, StoreIndexEntry>()
      users.set(user, index)
      index.set(entry.id, { ...entry })
      session.users ??= new Set()
      session.users.add(user)
    },
    async indexDelete(user: string, id: string): Promise<void> {
      unindex(user, id)
      entries.get(id)?.users?.delete(user)
    },
    async indexList(user: string): Promise<StoreIndexEntry[]> {
      return [...(users.get(user)?.values() ?? [])].map((entry) => ({ ...entry }))
    },
  }
}

/** Callers get their own copy, so nothing they change reaches the store without a write. */
function copy(record: StoreRecord): StoreRecord {
  return { ...record, values: { ...record.values } }
}
