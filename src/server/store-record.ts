/** @module A store's record: its shape, its JSON text, and the patch and take every store applies. */
import { isPlainObject } from '../lib/options.ts'
import type { StorePatch, StoreRecord } from './types.ts'

/**
 * Whether `value` has the shape of a `StoreRecord`: whole-second times, a positive `maxAge` when
 * there is one, and a plain object of JSON texts. A store's bytes are not trusted blindly: check
 * what comes back from a database, a cache or another process before handing it on.
 *
 * @example
 * async get(id) {
 *   const { value } = await kv.get(['session', id])
 *   return isStoreRecord(value) ? value : undefined
 * }
 */
export function isStoreRecord(value: unknown): value is StoreRecord {
  if (!isPlainObject(value)) return false
  const { created, touched, maxAge, values, bound } = value as Partial<StoreRecord>
  return (
    (bound === undefined || typeof bound === 'string') &&
    Number.isSafeInteger(created) &&
    Number.isSafeInteger(touched) &&
    (maxAge === undefined || (Number.isSafeInteger(maxAge) && maxAge >= 1)) &&
    isPlainObject(values) &&
    Object.values(values).every((json) => typeof json === 'string')
  )
}

/**
 * The record in `text` (`JSON.stringify(record)`), or `undefined` when it is not JSON or not a
 * record: damaged or foreign data reads as no session, and `storeCodec` issues a fresh id.
 * A `__proto__` key in the values stays a plain key.
 *
 * @example
 * async get(id) {
 *   const text = await env.SESSIONS.get(`session:${id}`)
 *   return text === null ? undefined : parseStoreRecord(text)
 * }
 */
export function parseStoreRecord(text: string): StoreRecord | undefined {
  try {
    const record: unknown = JSON.parse(text)
    return isStoreRecord(record) ? record : undefined
  } catch {
    return undefined
  }
}

/**
 * Applies `patch` to `record` in place and returns it: deletes `patch.delete`, sets `patch.set`,
 * and sets `touched`. A key named `__proto__` (or `constructor`) is written as a plain own key,
 * never through the prototype. Call it inside the store's one atomic step (a transaction, a
 * version check, a single-threaded object): reading, patching and writing back across an
 * `await` loses concurrent writes.
 *
 * @example
 * async patch(id, patch, ttl, call) {
 *   checkDeadline(call, 'patch')
 *   const entry = records.get(id)
 *   if (entry === undefined) return false
 *   applyPatch(entry.record, patch)
 *   entry.expires = ttl === undefined ? Infinity : Date.now() + ttl * 1000
 *   return true
 * }
 */
export function applyPatch(record: StoreRecord, patch: StorePatch): StoreRecord {
  const values = record.values
  for (const key of patch.delete) delete values[key]
  for (const [key, value] of Object.entries(patch.set)) {
    Object.defineProperty(values, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    })
  }
  record.touched = patch.touched
  return record
}

/**
 * Removes the value of `key` from `record` in place and returns its JSON text, or `undefined`
 * when the record has no such own key: the body of `SessionStore.take`, which must run in the
 * store's one atomic step so that exactly one of many concurrent callers gets a flash.
 *
 * @example
 * async take(id, key, call) {
 *   checkDeadline(call, 'take')
 *   const entry = records.get(id)
 *   return entry === undefined ? undefined : takeValue(entry.record, key)
 * }
 */
export function takeValue(record: StoreRecord, key: string): string | undefined {
  const values = record.values
  if (!Object.hasOwn(values, key)) return undefined
  const value = values[key]
  delete values[key]
  return value
}
