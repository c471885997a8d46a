/** @module Strict JOSE compact serialization (JWS, JWE): segments and JSON headers. Internal. */
import { decodeBase64url, fromUtf8, isCanonicalBase64url } from '../lib/base64url.ts'
import { MAX_TOKEN_LENGTH } from '../lib/limits.ts'
import { isPlainObject } from '../lib/options.ts'

/**
 * The segments of a compact token with exactly `count` segments, and their bytes unless
 * `decodeAll` is false; `undefined` when the token has another shape. Every
 * segment must be canonical unpadded base64url (RFC 7515 §2): jose alone accepts spaces and
 * non-zero trailing bits, which would let one token have many spellings.
 */
export function compactSegments(
  token: unknown,
  count: 3 | 5,
  decodeAll = true,
): { segments: string[]; bytes: Uint8Array<ArrayBuffer>[] } | undefined {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return undefined
  const segments: string[] = []
  let start = 0
  for (let i = 1; i < count; i++) {
    const dot = token.indexOf('.', start)
    if (dot < 0) return undefined
    segments.push(token.slice(start, dot))
    start = dot + 1
  }
  if (token.indexOf('.', start) >= 0) return undefined
  segments.push(token.slice(start))
  const bytes: Uint8Array<ArrayBuffer>[] = []
  for (let i = 0; i < count; i++) {
    // A JWS verifier decodes the segments itself: checking them is enough.
    if (!decodeAll) {
      if (!isCanonicalBase64url(segments[i]!)) return undefined
      continue
    }
    const decoded = decodeBase64url(segments[i]!)
    if (decoded === undefined) return undefined
    bytes.push(decoded)
  }
  return { segments, bytes }
}

/**
 * UTF-8 JSON that is an object (not an array, not null), or `undefined`; with `unique`, also
 * `undefined` when an object in it repeats a member name.
 */
export function parseJsonObject(
  bytes: Uint8Array,
  unique = false,
): Record<string, unknown> | undefined {
  let text: string
  try {
    text = fromUtf8(bytes)
  } catch {
    return undefined
  }
  return parseJsonText(text, unique)
}

/** JSON text that is an object (not an array, not null), or `undefined`; `unique` as above. */
export function parseJsonText(text: string, unique = false): Record<string, unknown> | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return undefined
  }
  return isPlainObject(parsed) && !(unique && repeatsName(text)) ? parsed : undefined
}

/**
 * Whether an object anywhere in JSON text names a member twice (`"a"` and `"\u0061"` count as one
 * name). JSON.parse keeps the last; RFC 8259 §4 warns that other parsers keep the first or all,
 * so two readers of one token could see different members. Text that is not JSON gives `false`.
 */
export function repeatsName(text: string): boolean {
  // One set of names per open object, `undefined` per open array.
  const open: (Set<string> | undefined)[] = []
  let expectName = false
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i)
    if (char === 0x22) {
      let end = i + 1
      let escaped = false
      while (end < text.length && text.charCodeAt(end) !== 0x22) {
        if (text.charCodeAt(end) === 0x5c) {
          escaped = true
          end++
        }
        end++
      }
      const names = open.at(-1)
      if (expectName && names !== undefined) {
        let name = text.slice(i + 1, end)
        if (escaped) {
          try {
            name = JSON.parse(text.slice(i, end + 1)) as string
          } catch {
            return false
          }
        }
        if (names.has(name)) return true
        names.add(name)
      }
      expectName = false
      i = end
    } else if (char === 0x7b) {
      open.push(new Set())
      expectName = true
    } else if (char === 0x5b) {
      open.push(undefined)
      expectName = false
    } else if (char === 0x7d || char === 0x5d) {
      open.pop()
      expectName = false
    } else if (char === 0x2c) {
      expectName = open.at(-1) !== undefined
    }
  }
  return false
}
