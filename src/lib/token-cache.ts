/**
 * @module The verified-token cache: tokens whose signature or tag already checked out, so a hit
 * skips the crypto and the base64. Internal.
 *
 * One cache per codec instance, keyed by the exact token string, bounded in entries and bytes,
 * least recently used out first. Only what the crypto proved is cached (the verified payload and
 * which key made it): every lifetime, revocation and rotation rule runs on a hit exactly as on a
 * miss, and a hit hands out a fresh parse of the payload, never a shared object.
 */
import type { OptionRule } from './options.ts'

export interface TokenCache<T> {
  get(token: string): T | undefined
  /** Adds a verified token. */
  set(token: string, value: T): void
  delete(token: string): void
}

/** Default entries; bytes are bounded at `BYTES_PER_ENTRY` times the entries. */
export const DEFAULT_CACHE_ENTRIES = 1000
const BYTES_PER_ENTRY = 2048
/** A Map entry, the value object and string headers, roughly, on V8. */
const OVERHEAD = 160

/**
 * A codec's `cache` option: a number of tokens from 0 to 1,000,000, `false` (or 0) for none;
 * default `DEFAULT_CACHE_ENTRIES`. Checked, it is the number of entries.
 */
export const cacheRule: OptionRule<number> = (value, fail) => {
  if (value === false) return 0
  const entries = value === undefined || value === true ? DEFAULT_CACHE_ENTRIES : value
  if (!Number.isSafeInteger(entries) || (entries as number) < 0 || (entries as number) > 1e6) {
    fail('must be a number of tokens from 0 to 1000000, or false')
  }
  return entries as number
}

/**
 * A cache of `entries` tokens (from `cacheRule`; 0 for none). `size` tells what a value holds,
 * in UTF-16 code units, for the byte bound.
 */
export function tokenCache<T>(
  entries: number,
  size: (value: T) => number,
): TokenCache<T> | undefined {
  if (entries === 0) return undefined
  return lruCache<T>(entries, entries * BYTES_PER_ENTRY, size)
}

function lruCache<T>(
  maxEntries: number,
  maxBytes: number,
  size: (value: T) => number,
): TokenCache<T> {
  // The values themselves, no wrapper: their bytes are computed again when they leave.
  const map = new Map<string, T>()
  let bytes = 0
  const bytesOf = (token: string, value: T) => (token.length + size(value)) * 2 + OVERHEAD
  const remove = (token: string, value: T) => {
    map.delete(token)
    bytes -= bytesOf(token, value)
  }
  return {
    get(token) {
      const value = map.get(token)
      if (value === undefined) return undefined
      // Most recently used last: the first entry is the one to evict.
      map.delete(token)
      map.set(token, value)
      return value
    },
    set(token, value) {
      const added = bytesOf(token, value)
      if (added > maxBytes) return
      const old = map.get(token)
      if (old !== undefined) remove(token, old)
      while (map.size >= maxEntries || bytes + added > maxBytes) {
        const [oldest, first] = map.entries().next().value as [string, T]
        remove(oldest, first)
      }
      // A flat copy: a token sliced out of a Cookie header would keep the whole header alive.
      map.set(flat(token), value)
      bytes += added
    },
    delete(token) {
      const value = map.get(token)
      if (value !== undefined) remove(token, value)
    },
  }
}

/** A string of its own: not a slice of a larger one, not a rope of pieces. */
function flat(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string
}
