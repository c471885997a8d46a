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

/** UTF-8 JSON that is an object (not an array, not null), or `undefined`. */
export function parseJsonObject(bytes: Uint8Array): Record<string, unknown> | undefined {
  let text: string
  try {
    text = fromUtf8(bytes)
  } catch {
    return undefined
  }
  return parseJsonText(text)
}

/** JSON text that is an object (not an array, not null), or `undefined`. */
export function parseJsonText(text: string): Record<string, unknown> | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return undefined
  }
  return isPlainObject(parsed) ? parsed : undefined
}
