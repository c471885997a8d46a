/** @module CryptoKey import with a cache, so no request path imports a key. Internal. */
import { utf8 } from './base64url.ts'
import { configError } from './options.ts'

export type HmacHash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512'

/**
 * Imported keys by algorithm and secret. Codecs built per request (a Workers `env` secret) reuse
 * the keys of the codecs before them; the bound only matters to an app that cycles through secrets.
 */
const cache = new Map<string, Promise<unknown>>()
const CACHE_LIMIT = 256

/**
 * Key material by an id that names its algorithm and secret, loaded once; a load that fails is
 * forgotten so the next request tries again.
 */
export function cached<T>(id: string, load: () => Promise<T>): Promise<T> {
  let key = cache.get(id) as Promise<T> | undefined
  if (key === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string)
    key = load()
    cache.set(id, key)
    key.catch(() => cache.delete(id))
  }
  return key
}

/** An HMAC key for sign and verify. */
export function hmacKey(
  secret: string | Uint8Array<ArrayBuffer>,
  hash: HmacHash,
): Promise<CryptoKey> {
  const bytes = typeof secret === 'string' ? utf8(secret) : secret
  const id = `hmac:${hash}:${typeof secret === 'string' ? secret : Array.from(secret).join(',')}`
  return cached(id, () =>
    crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash }, false, ['sign', 'verify']),
  )
}

/** An AES-GCM key for encrypt and decrypt. */
export function aesGcmKey(secret: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return cached(`aes-gcm:${Array.from(secret).join(',')}`, () =>
    crypto.subtle.importKey('raw', secret, 'AES-GCM', false, ['encrypt', 'decrypt']),
  )
}

/**
 * The list behind a `secrets: string | string[]` option, newest first, each at least `minBytes`
 * long in UTF-8. Throws `ERR_SESSION_CONFIG` otherwise, without echoing any secret.
 */
export function secretList(
  secrets: unknown,
  owner: string,
  minBytes: number,
  name = 'secrets',
): string[] {
  const list = typeof secrets === 'string' ? [secrets] : Array.isArray(secrets) ? [...secrets] : []
  if (list.length === 0) configError(owner, `${name} must be a string or a non-empty list`)
  list.forEach((secret, index) => {
    if (typeof secret !== 'string' || utf8(secret).length < Math.max(minBytes, 1)) {
      configError(
        owner,
        `${name}[${index}] must be a string of at least ${Math.max(minBytes, 1)} bytes`,
      )
    }
  })
  return list
}
