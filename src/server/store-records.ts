/**
 * @module storeCodec's records: read, written and patched through the store, each value sealed
 * at rest when the codec encrypts. Internal.
 */
import type { SessionBinding, SessionData } from '../backends.ts'
import type { SealStamp } from '../codecs/define-codec.ts'
import { DecodeError } from '../errors.ts'
import { readBinding } from '../lib/binding.ts'
import type { StoreGuard } from './store-call.ts'
import { type StoreCipher, valueContext } from './store-cipher.ts'
import { isStoreRecord } from './store-record.ts'
import { parse } from './store-values.ts'
import type { SessionStore, StorePatch, StoreRecord } from './types.ts'

/** A record as read: its times, its values as plain JSON, and whether an older key sealed any. */
export interface ReadRecord {
  created: number
  touched: number
  maxAge?: number
  values: Map<string, string>
  stale: boolean
  /** The device binding, as JSON text (`withSession`'s `deviceBound`). */
  bound?: string
}

export interface StoreRecords {
  /** The record for `id`; `undefined` when there is none. Throws `DecodeError` for a bad one. */
  read(id: string): Promise<ReadRecord | undefined>
  /** Creates or replaces the record for `id`, sealing every value under the newest key. */
  set(id: string, record: Omit<ReadRecord, 'stale'>, ttl: number | undefined): Promise<void>
  /** Applies a patch of plain JSON values; `false` when the record is gone. */
  patch(id: string, patch: StorePatch, ttl: number | undefined): Promise<boolean>
  /** Takes one value in one atomic step (flash), opened. */
  take(id: string, key: string): Promise<string | undefined>
  /** A stored record's data, or `undefined` when it does not open or parse. */
  data(id: string, record: StoreRecord): Promise<SessionData | undefined>
}

export function storeRecords(
  store: SessionStore,
  guard: StoreGuard,
  cipher: StoreCipher | undefined,
): StoreRecords {
  async function sealAll(id: string, entries: Iterable<[string, string]>) {
    const out: Record<string, string> = {}
    for (const [key, json] of entries) {
      const value = cipher === undefined ? json : await cipher.seal(valueContext(id, key), json)
      Object.defineProperty(out, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      })
    }
    return out
  }

  async function openAll(id: string, record: StoreRecord) {
    const values = new Map<string, string>()
    let stale = false
    for (const [key, value] of Object.entries(record.values)) {
      if (cipher === undefined) values.set(key, value)
      else {
        const opened = await cipher.open(valueContext(id, key), value)
        stale ||= opened.stale
        values.set(key, opened.text)
      }
    }
    return { values, stale }
  }

  return {
    async read(id) {
      const record = await guard('get', (call) => store.get(id, call))
      if (record === undefined) return undefined
      if (!isStoreRecord(record)) throw new DecodeError('malformed', 'stored session is not valid')
      const { values, stale } = await openAll(id, record)
      const { created, touched, maxAge, bound } = record
      const read: ReadRecord = { created, touched, values, stale }
      if (maxAge !== undefined) read.maxAge = maxAge
      if (bound !== undefined) read.bound = bound
      return read
    },
    async set(id, { created, touched, maxAge, values, bound }, ttl) {
      const record: StoreRecord = { created, touched, maxAge, values: await sealAll(id, values) }
      if (bound !== undefined) record.bound = bound
      await guard('set', (call) => store.set(id, record, ttl, call))
    },
    async patch(id, patch, ttl) {
      const sealed = { ...patch, set: await sealAll(id, Object.entries(patch.set)) }
      return guard('patch', (call) => store.patch(id, sealed, ttl, call))
    },
    async take(id, key) {
      const taken = await guard('take', (call) => store.take!(id, key, call))
      if (taken === undefined || cipher === undefined) return taken
      return (await cipher.open(valueContext(id, key), taken)).text
    },
    async data(id, record) {
      try {
        return isStoreRecord(record) ? parse((await openAll(id, record)).values) : undefined
      } catch {
        return undefined
      }
    },
  }
}

/** The whole record for `values` as `stamp` says: a new session, a new lifetime, device or key. */
export function recordOf(
  values: Map<string, string>,
  stamp: SealStamp<unknown>,
): Omit<ReadRecord, 'stale'> {
  const { started, now, maxAge, binding } = stamp
  const bound = binding === undefined ? undefined : JSON.stringify(binding)
  return { created: started, touched: now, maxAge, values, bound }
}

/** The device binding a record keeps, checked. */
export function storedBinding(bound: string | undefined): SessionBinding | undefined {
  try {
    return bound === undefined ? undefined : readBinding(JSON.parse(bound))
  } catch (cause) {
    throw new DecodeError('malformed', 'stored device binding is not valid', { cause })
  }
}
