/** @module memoryStore: server-side sessions in this process's memory, bounded in size. */

import { checkOptions, clockRule, countRule } from '../lib/options.ts'
import { applyPatch, checkDeadline, takeValue } from '../store.ts'
import type { SessionStore, StoreCall, StoreIndexEntry, StorePatch, StoreRecord } from './types.ts'

export interface MemoryStoreOptions {
  /**
   * Most sessions kept at once. When full, a session that was never used again after it was
   * written goes first (the least recently written of those); sessions that came back go only
   * when there are no others. Default 10 000.
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

/** Share of `maxEntries` that sessions which came back may fill; the rest is for new ones. */
const RETURNING_SHARE = 0.8

const MEMORY_OPTIONS = { maxEntries: countRule(10_000), now: clockRule }

/**
 * Keeps sessions in `Map`s in this process: for development, tests and single-process servers.
 * Sessions vanish on restart and are not shared between processes or Workers isolates. Every
 * operation runs synchronously, so a patch is atomic. Eviction resists floods: a session that
 * came back (was read or written again after it was created) outlives any number of sessions that
 * never do, so a flood of first visits pushes out only other first visits. Each call also checks
 * a few entries, round-robin, and drops the expired ones: a bounded cost, no timer.
 *
 * @example
 * const codec = storeCodec({ store: memoryStore({ maxEntries: 50_000 }), idleTimeout: 1800 })
 */
export function memoryStore(options: MemoryStoreOptions = {}): SessionStore {
  const { maxEntries, now } = checkOptions('memoryStore', options, MEMORY_OPTIONS)
  // A segmented LRU. Plain LRU cannot tell a user who comes back every few seconds from a scan:
  // `maxEntries` first visits since their last request push them out, so a flood of 10 000 new
  // sessions a second logs out everyone slower than one request a second. Here a new session
  // waits in `fresh`; the first time it is used again it moves to `returning`, which holds up to
  // 80% of `maxEntries`. Eviction takes from `fresh` first, so one-visit sessions displace only
  // each other. TinyLFU-style admission was the alternative: its frequency sketch ranks keys by
  // past uses, but every new session has the same past (none) and a session refused admission is
  // lost, not refetched, so it would add a sketch and hashing for the same decision. For the same
  // reason 2Q's ghost list of evicted ids would help nothing. Map order is use order in both: the
  // first entry is the least recently used. When `returning` is full, its least recently used
  // entry moves back to the end of `fresh`, a second chance rather than an eviction.
  const fresh = new Map<string, Entry>()
  const returning = new Map<string, Entry>()
  const returningMax = Math.max(1, Math.floor(maxEntries * RETURNING_SHARE))
  const users = new Map<string, Map<string, StoreIndexEntry>>()
  const cursors: [Map<string, Entry>, Iterator<[string, Entry]> | undefined][] = [
    [fresh, undefined],
    [returning, undefined],
  ]

  const find = (id: string): Entry | undefined => fresh.get(id) ?? returning.get(id)

  function drop(id: string): void {
    const entry = find(id)
    fresh.delete(id)
    returning.delete(id)
    for (const user of entry?.users ?? []) unindex(user, id)
  }

  /** `id` was used again: to the end of `returning`, making room there by demoting its first. */
  function use(id: string, entry: Entry): void {
    fresh.delete(id)
    returning.delete(id)
    returning.set(id, entry)
    if (returning.size <= returningMax) return
    const [oldest, demoted] = returning.entries().next().value!
    returning.delete(oldest)
    fresh.set(oldest, demoted)
  }

  function unindex(user: string, id: string): void {
    const index = users.get(user)
    index?.delete(id)
    if (index?.size === 0) users.delete(user)
  }

  /** Checks the next few entries of each map in turn; a Map iterator survives deletes and inserts. */
  function sweep(time: number): void {
    for (const slot of cursors) {
      const map = slot[0]
      for (let checked = 0; checked < SWEEP && map.size > 0; checked++) {
        slot[1] ??= map.entries()
        const next = slot[1].next()
        if (next.done) {
          slot[1] = undefined
          continue
        }
        const [id, entry] = next.value
        if (entry.expires <= time && map.get(id) === entry) drop(id)
      }
    }
  }

  function live(id: string): Entry | undefined {
    const time = now()
    sweep(time)
    const entry = find(id)
    if (entry === undefined) return undefined
    if (entry.expires <= time) {
      drop(id)
      return undefined
    }
    use(id, entry)
    return entry
  }

  function write(id: string, record: StoreRecord, ttl: number | undefined): void {
    const time = now()
    sweep(time)
    const expires = ttl === undefined ? Infinity : time + ttl * 1000
    const previous = find(id)
    if (previous !== undefined) {
      use(id, { record, expires, users: previous.users })
      return
    }
    while (fresh.size + returning.size >= maxEntries) {
      const [oldest] = (fresh.size > 0 ? fresh : returning).keys()
      drop(oldest!)
    }
    fresh.set(id, { record, expires })
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
      const session = find(entry.id)
      if (session === undefined) return
      const index = users.get(user) ?? new Map<string, StoreIndexEntry>()
      users.set(user, index)
      index.set(entry.id, { ...entry })
      session.users ??= new Set()
      session.users.add(user)
    },
    async indexDelete(user: string, id: string): Promise<void> {
      unindex(user, id)
      find(id)?.users?.delete(user)
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
