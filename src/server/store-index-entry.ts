/** @module A user's session index as a store keeps it: the entry's shape and its time to live. */
import { isPlainObject } from '../lib/options.ts'
import type { StoreIndexEntry } from './types.ts'

/**
 * Whether `value` has the shape of a `StoreIndexEntry`: a string `id`, whole-second `created`,
 * and, when present, `info` as JSON text and `expires` in seconds. `indexList` should leave out
 * what fails it rather than hand damaged entries to `storeCodec`.
 *
 * @example
 * async indexList(user) {
 *   const entries = []
 *   for await (const { value } of kv.list({ prefix: ['user', user] })) {
 *     if (isStoreIndexEntry(value)) entries.push(value)
 *   }
 *   return entries
 * }
 */
export function isStoreIndexEntry(value: unknown): value is StoreIndexEntry {
  if (!isPlainObject(value)) return false
  const { id, created, info, expires } = value as Partial<StoreIndexEntry>
  return (
    typeof id === 'string' &&
    Number.isSafeInteger(created) &&
    (info === undefined || typeof info === 'string') &&
    (expires === undefined || Number.isFinite(expires))
  )
}

/**
 * The index entry in `text` (`JSON.stringify(entry)`), or `undefined` when it is not JSON or not
 * an entry.
 *
 * @example
 * async indexList(user) {
 *   const texts = await redis.hVals(`user:${user}`)
 *   return texts.flatMap((text) => parseStoreIndexEntry(text) ?? [])
 * }
 */
export function parseStoreIndexEntry(text: string): StoreIndexEntry | undefined {
  try {
    const entry: unknown = JSON.parse(text)
    return isStoreIndexEntry(entry) ? entry : undefined
  } catch {
    return undefined
  }
}

/**
 * Whole seconds until `entry` is stale, at least 1 (a store may keep an entry longer, never
 * shorter); `undefined` when it never is. `now` is in milliseconds, like `Date.now()`.
 *
 * @example
 * async indexSet(user, entry, call) {
 *   checkDeadline(call, 'indexSet')
 *   const ttl = indexEntryTtl(entry)
 *   await env.SESSIONS.put(`user:${user}/${entry.id}`, JSON.stringify(entry),
 *     ttl === undefined ? {} : { expirationTtl: Math.max(60, ttl) })
 * }
 */
export function indexEntryTtl(
  entry: StoreIndexEntry,
  now: number = Date.now(),
): number | undefined {
  if (entry.expires === undefined) return undefined
  return Math.max(1, Math.ceil(entry.expires - now / 1000))
}
