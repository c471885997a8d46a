/** @module jwtCodec's keys: one key or a set chosen by `kid`, and the key a token's header names. */
import { DecodeError } from '../errors.ts'
import { decodeBase64url } from '../lib/base64url.ts'
import { configError } from '../lib/options.ts'
import { parseJsonObject } from './compact.ts'
import { type Jwk, type JwsAlgorithm, type JwtKey, type KeyEntry, keyEntry } from './jws-keys.ts'

export interface JwsKeySet {
  /** The key that signs: the one key, or the first of the set. */
  signer: KeyEntry
  /** A header segment parsed: an object naming each member once, an allowed `alg`. */
  header(segment: string): Record<string, unknown>
  /** The key and algorithm a token's header segment names; throws `DecodeError` otherwise. */
  pick(segment: string): { entry: KeyEntry; alg: JwsAlgorithm }
}

const HEADER_CACHE = 32

/** Builds the key set from jwtCodec's `key` or `keys`, refusing a key no algorithm fits. */
export function jwsKeySet(
  key: JwtKey | undefined,
  keys: readonly (Jwk & { kid: string })[] | Readonly<Record<string, JwtKey>> | undefined,
  algorithms: readonly JwsAlgorithm[],
  owner: string,
): JwsKeySet {
  const fail = (message: string): never => configError(owner, message)
  if ((key === undefined) === (keys === undefined)) fail('needs either key or keys')
  const set = new Map<string, KeyEntry>()
  let single: KeyEntry | undefined
  if (key !== undefined) {
    const jwkKid = (key as { kid?: unknown }).kid
    single = keyEntry(key, typeof jwkKid === 'string' ? jwkKid : undefined, algorithms, owner)
    if (single.algorithms.length !== algorithms.length)
      fail('lists an algorithm its key cannot use')
  } else {
    const list: [string, unknown][] = Array.isArray(keys)
      ? keys.map((jwk) => [(jwk as { kid?: string })?.kid as string, jwk])
      : typeof keys === 'object' && keys !== null
        ? Object.entries(keys)
        : []
    for (const [kid, input] of list) {
      if (typeof kid !== 'string' || kid === '' || set.has(kid)) fail('keys need distinct kids')
      const entry = keyEntry(input, kid, algorithms, owner)
      if (entry.algorithms.length === 0) fail(`key ${kid} fits none of the algorithms`)
      set.set(kid, entry)
    }
    if (set.size === 0) fail('needs a non-empty key set')
    for (const alg of algorithms) {
      if (![...set.values()].some((entry) => entry.algorithms.includes(alg))) {
        fail(`has no key for ${alg}`)
      }
    }
  }
  const headers = new Map<string, Record<string, unknown>>()
  function header(segment: string): Record<string, unknown> {
    let parsed = headers.get(segment)
    if (parsed === undefined) {
      // A member named twice is malformed: two readers could see different headers.
      parsed = parseJsonObject(decodeBase64url(segment)!, true)
      if (parsed === undefined) throw new DecodeError('malformed')
      if (!algorithms.includes(parsed.alg as JwsAlgorithm)) throw new DecodeError('claim')
      // Tokens of one issuer share a header: parse each once (bounded, oldest out first).
      if (headers.size >= HEADER_CACHE) headers.delete(headers.keys().next().value!)
      headers.set(segment, parsed)
    }
    return parsed
  }
  return {
    signer: single ?? set.values().next().value!,
    header,
    pick(segment) {
      const { alg, kid } = header(segment)
      if (kid !== undefined && typeof kid !== 'string') throw new DecodeError('malformed')
      // Only a configured key ever verifies: embedded jwk, jku, x5u and x5c headers are ignored.
      const entry = single ?? (kid === undefined ? undefined : set.get(kid))
      if (
        entry === undefined ||
        (kid !== undefined && entry.kid !== undefined && kid !== entry.kid)
      ) {
        throw new DecodeError('signature')
      }
      if (!entry.algorithms.includes(alg as JwsAlgorithm)) throw new DecodeError('claim')
      return { entry, alg: alg as JwsAlgorithm }
    },
  }
}
