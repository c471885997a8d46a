/** @module denoKvStore: server-side sessions in Deno KV, patched with an atomic version check. */
import { SessionError } from '../errors.ts'
import { optionsObject } from '../lib/options.ts'
import {
  applyPatch,
  isStoreRecord,
  type SessionStore,
  type StorePatch,
  type StoreRecord,
} from './types.ts'

type KvKey = readonly (string | number | bigint | boolean | Uint8Array)[]

/** The part of `Deno.Kv` this store uses (`await Deno.openKv()`). */
export interface DenoKvLike {
  get(key: KvKey): Promise<{ value: unknown; versionstamp: string | null }>
  set(key: KvKey, value: unknown, options?: { expireIn?: number }): Promise<unknown>
  delete(key: KvKey): Promise<void>
  atomic(): DenoKvAtomicLike
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

/**
 * Keeps sessions in Deno KV (Deno Deploy or a local SQLite file), one value per session. A patch
 * reads the record and commits only if its versionstamp is unchanged, retrying otherwise, so
 * concurrent requests changing different keys lose nothing and a deleted session stays deleted.
 * Deno KV expires keys lazily: expiry is enforced by `storeCodec` from the record's times anyway.
 *
 * @example
 * const kv = await Deno.openKv()
 * const codec = storeCodec({ store: denoKvStore(kv), secrets: Deno.env.get('SESSION_SECRET') })
 */
export function denoKvStore(kv: DenoKvLike, options: DenoKvStoreOptions = {}): SessionStore {
  if (typeof kv?.get !== 'function' || typeof kv.atomic !== 'function') {
    throw new SessionError('ERR_SESSION_CONFIG', 'denoKvStore needs a Deno.Kv (Deno.openKv())')
  }
  optionsObject('denoKvStore', options ?? null, { prefix: 1, attempts: 1 })
  const prefix = options.prefix ?? ['session']
  const attempts = options.attempts ?? 50
  if (!Array.isArray(prefix) || !Number.isSafeInteger(attempts) || attempts < 1) {
    throw new SessionError(
      'ERR_SESSION_CONFIG',
      'denoKvStore prefix must be a key array, attempts a positive integer',
    )
  }
  const key = (id: string): KvKey => [...prefix, id]
  const expiry = (ttl: number | undefined) => (ttl === undefined ? {} : { expireIn: ttl * 1000 })

  return {
    async get(id: string): Promise<StoreRecord | undefined> {
      const { value } = await kv.get(key(id))
      return value === null ? undefined : (value as StoreRecord)
    },
    async set(id: string, record: StoreRecord, ttl: number | undefined): Promise<void> {
      await kv.set(key(id), record, expiry(ttl))
    },
    async patch(id: string, patch: StorePatch, ttl: number | undefined): Promise<boolean> {
      for (let attempt = 0; attempt < attempts; attempt++) {
        const entry = await kv.get(key(id))
        if (entry.value === null || entry.versionstamp === null) return false
        if (!isStoreRecord(entry.value)) return false
        const record = entry.value
        applyPatch(record.values, patch)
        record.touched = patch.touched
        const { ok } = await kv
          .atomic()
          .check({ key: key(id), versionstamp: entry.versionstamp })
          .set(key(id), record, expiry(ttl))
          .commit()
        if (ok) return true
        // A short random wait spreads out the requests that lost together, so fewer lose again.
        await new Promise((resolve) =>
          setTimeout(resolve, Math.random() * 2 ** Math.min(attempt, 5)),
        )
      }
      throw new SessionError(
        'ERR_SESSION_STORE',
        `denoKvStore patch lost the version check ${attempts} times in a row`,
      )
    },
    async delete(id: string): Promise<void> {
      await kv.delete(key(id))
    },
  }
}
