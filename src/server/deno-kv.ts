/** @module denoKvStore: server-side sessions in Deno KV, patched with an atomic version check. */
import { SessionError } from '../errors.ts'
import { checkOptions, countRule, optional } from '../lib/options.ts'
import {
  applyPatch,
  checkDeadline,
  indexEntryTtl,
  isStoreIndexEntry,
  isStoreRecord,
  takeValue,
} from '../store.ts'
import type { SessionStore, StoreCall, StoreIndexEntry, StorePatch, StoreRecord } from './types.ts'

type KvKey = readonly (string | number | bigint | boolean | Uint8Array)[]

/** The part of `Deno.Kv` this store uses (`await Deno.openKv()`). */
export interface DenoKvLike {
  get(key: KvKey): Promise<{ value: unknown; versionstamp: string | null }>
  set(key: KvKey, value: unknown, options?: { expireIn?: number }): Promise<unknown>
  delete(key: KvKey): Promise<void>
  atomic(): DenoKvAtomicLike
  /** Needed for storeCodec's `index` only. */
  list?(selector: { prefix: KvKey }): AsyncIterable<{ value: unknown }>
}

/** The part of `Deno.AtomicOperation` this store uses. */
export interface DenoKvAtomicLike {
  check(...checks: { key: KvKey; versionstamp: string | null }[]): DenoKvAtomicLike
  set(key: KvKey, value: unknown, options?: { expireIn?: number }): DenoKvAtomicLike
  commit(): Promise<{ ok: boolean }>
}

export interface DenoKvStoreOptions {
  /** Key prefix of every session. Default `['session']`. */
  prefix?: KvKey
  /**
   * Tries before a patch that keeps losing the version check gives up (`ERR_SESSION_STORE`).
   * Each loss means another request's commit won, so N simultaneous commits need at most N tries.
   * Default 50.
   */
  attempts?: number
}

/** A record as kept in Deno KV: with its expiry, which Deno KV cannot report back. */
type Kept = StoreRecord & { expiresAt?: number }

const DENO_KV_OPTIONS = {
  prefix: optional(
    (value, fail) => {
      if (!Array.isArray(value)) fail('must be a key array')
      return value as KvKey
    },
    ['session'] as KvKey,
  ),
  attempts: countRule(50),
}

/**
 * Keeps sessions in Deno KV (Deno Deploy or a local SQLite file), one value per session. A patch
 * reads the record and commits only if its versionstamp is unchanged, retrying otherwise, so
 * concurrent requests changing different keys lose nothing and a deleted session stays deleted;
 * a flash is taken the same way, so one request gets it. Deno KV cannot compare times on the
 * server: a call's deadline is checked just before each commit. Deno KV expires keys lazily:
 * expiry is enforced by `storeCodec` from the record's times anyway.
 *
 * @example
 * const kv = await Deno.openKv()
 * const codec = storeCodec({ store: denoKvStore(kv), secrets: Deno.env.get('SESSION_SECRET') })
 */
export function denoKvStore(kv: DenoKvLike, options: DenoKvStoreOptions = {}): SessionStore {
  if (typeof kv?.get !== 'function' || typeof kv.atomic !== 'function') {
    throw new SessionError('ERR_SESSION_CONFIG', 'denoKvStore needs a Deno.Kv (Deno.openKv())')
  }
  const { prefix, attempts } = checkOptions('denoKvStore', options, DENO_KV_OPTIONS)
  const key = (id: string): KvKey => [...prefix, id]
  const userKey = (user: string, id?: string): KvKey =>
    id === undefined ? [...prefix, 'user', user] : [...prefix, 'user', user, id]
  const expiry = (ms: number | undefined) =>
    ms === undefined ? {} : { expireIn: Math.max(1, Math.round(ms - Date.now())) }
  const kept = (record: StoreRecord, ttl: number | undefined): Kept =>
    ttl === undefined ? { ...record } : { ...record, expiresAt: Date.now() + ttl * 1000 }

  /** Reads, changes and commits the record if nobody committed in between, retrying. */
  async function update<T>(
    id: string,
    operation: string,
    change: (record: Kept) => T,
    call: StoreCall | undefined,
  ): Promise<{ result: T } | undefined> {
    for (let attempt = 0; attempt < attempts; attempt++) {
      const entry = await kv.get(key(id))
      if (entry.value === null || entry.versionstamp === null) return undefined
      if (!isStoreRecord(entry.value)) return undefined
      const record = entry.value as Kept
      const result = change(record)
      // No server-side clock to compare with: the deadline is checked at the last moment.
      checkDeadline(call, operation)
      const { ok } = await kv
        .atomic()
        .check({ key: key(id), versionstamp: entry.versionstamp })
        .set(key(id), record, expiry(record.expiresAt))
        .commit()
      if (ok) return { result }
      // A short random wait spreads out the requests that lost together, so fewer lose again.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 2 ** Math.min(attempt, 5)))
    }
    throw new SessionError(
      'ERR_SESSION_STORE',
      `denoKvStore ${operation} lost the version check ${attempts} times in a row`,
    )
  }

  return {
    async get(id: string): Promise<StoreRecord | undefined> {
      const { value } = await kv.get(key(id))
      if (value === null) return undefined
      const { expiresAt: _, ...record } = value as Kept
      return record
    },
    async set(id: string, record: StoreRecord, ttl: number | undefined, call?: StoreCall) {
      const value = kept(record, ttl)
      checkDeadline(call, 'set')
      await kv.set(key(id), value, expiry(value.expiresAt))
    },
    async patch(id: string, patch: StorePatch, ttl: number | undefined, call?: StoreCall) {
      const done = await update(
        id,
        'patch',
        (record) => {
          applyPatch(record, patch)
          record.expiresAt = kept(record, ttl).expiresAt
          if (ttl === undefined) delete record.expiresAt
        },
        call,
      )
      return done !== undefined
    },
    async delete(id: string, call?: StoreCall): Promise<void> {
      checkDeadline(call, 'delete')
      await kv.delete(key(id))
    },
    async take(id: string, field: string, call?: StoreCall): Promise<string | undefined> {
      const done = await update(id, 'take', (record) => takeValue(record, field), call)
      return done?.result
    },
    async indexSet(user: string, entry: StoreIndexEntry, call?: StoreCall): Promise<void> {
      checkDeadline(call, 'indexSet')
      const ttl = indexEntryTtl(entry)
      await kv.set(
        userKey(user, entry.id),
        entry,
        ttl === undefined ? {} : { expireIn: ttl * 1000 },
      )
    },
    async indexDelete(user: string, id: string): Promise<void> {
      await kv.delete(userKey(user, id))
    },
    async indexList(user: string): Promise<StoreIndexEntry[]> {
      if (typeof kv.list !== 'function') throw new Error('denoKvStore index needs kv.list')
      const entries: StoreIndexEntry[] = []
      for await (const { value } of kv.list({ prefix: userKey(user) })) {
        if (isStoreIndexEntry(value)) entries.push(value)
      }
      return entries
    },
  }
}
