/** @module CryptoKey import with a cache, so no request path imports a key. Internal. */
import { utf8 } from './base64url.ts'
import type { OptionRule } from './options.ts'
import { sha256Hex } from './sha256.ts'

/** The members every runtime's `CryptoKey` has. */
export interface CryptoKeyShape {
  readonly type: string
  readonly extractable: boolean
  readonly algorithm: { readonly name: string }
  readonly usages: string[]
}

/**
 * WebCrypto's `CryptoKey` where the runtime's types declare one (DOM, Bun, Workers, Deno), else its
 * shape: Node's types without the DOM library have no global `CryptoKey`.
 */
export type WebCryptoKey = typeof globalThis extends { CryptoKey: { prototype: infer Key } }
  ? Key
  : CryptoKeyShape

export type HmacHash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512'

/**
 * Imported keys by a SHA-256 digest of an id that names the algorithm, the secret's type and the
 * secret: two secrets of different types never share a key, and no secret is kept as text for
 * the life of the process. Codecs built per request (a Workers `env` secret) reuse the keys of
 * the codecs before them; the bound only matters to an app that cycles through secrets.
 */
const cache = new Map<string, Promise<unknown>>()
const CACHE_LIMIT = 256

/**
 * Key material by an id that names its algorithm, the secret's type and the secret, loaded once;
 * a load that fails is forgotten so the next request tries again. Only a digest of `id` is kept.
 */
export function cached<T>(id: string, load: () => Promise<T>): Promise<T> {
  const digest = sha256Hex(utf8(id))
  let key = cache.get(digest) as Promise<T> | undefined
  if (key === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string)
    key = load()
    cache.set(digest, key)
    key.catch(() => cache.delete(digest))
  }
  return key
}

/** A cache id for a secret: its type and its value, so `"1,2"` and the bytes [1, 2] differ. */
export function secretId(secret: string | Uint8Array): string {
  return typeof secret === 'string' ? `string:${secret}` : `bytes:${hex(secret)}`
}

/** An HMAC key for sign and verify. */
export function hmacKey(
  secret: string | Uint8Array<ArrayBuffer>,
  hash: HmacHash,
): Promise<WebCryptoKey> {
  return cached(`hmac:${hash}:${secretId(secret)}`, () =>
    crypto.subtle.importKey(
      'raw',
      typeof secret === 'string' ? utf8(secret) : secret,
      { name: 'HMAC', hash },
      false,
      ['sign', 'verify'],
    ),
  )
}

/** An AES-GCM key for encrypt and decrypt. */
export function aesGcmKey(secret: Uint8Array<ArrayBuffer>): Promise<WebCryptoKey> {
  return cached(`aes-gcm:${secretId(secret)}`, () =>
    crypto.subtle.importKey('raw', secret, 'AES-GCM', false, ['encrypt', 'decrypt']),
  )
}

/**
 * 32 bytes of key from a secret by HKDF-SHA256 (empty salt), and the SHA-256 of them, from which
 * a key id is cut: the derivation encryptedCodec and storeCodec's encryption at rest share, each
 * with its own `info`, so one secret never gives both the same key.
 */
export async function hkdfKey(
  secret: string,
  info: string,
): Promise<{ bytes: Uint8Array<ArrayBuffer>; digest: Uint8Array<ArrayBuffer> }> {
  const ikm = await crypto.subtle.importKey('raw', utf8(secret), 'HKDF', false, ['deriveBits'])
  const bytes = new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: utf8(info) },
      ikm,
      256,
    ),
  )
  return { bytes, digest: new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)) }
}

function hex(bytes: Uint8Array): string {
  let out = ''
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0')
  return out
}

/**
 * The rule of a `secrets: string | string[]` option (or `secretKey`, `secret`): a list, newest
 * first, each at least `minBytes` long in UTF-8. Its messages never echo a secret.
 */
export function secretsRule(minBytes: number): OptionRule<string[]> {
  const min = Math.max(minBytes, 1)
  return (secrets, fail) => {
    const list =
      typeof secrets === 'string' ? [secrets] : Array.isArray(secrets) ? [...secrets] : []
    if (list.length === 0) fail(`must be a string or a non-empty list${unset(secrets)}`)
    list.forEach((secret, index) => {
      if (typeof secret !== 'string' || utf8(secret).length < min) {
        fail(`[${index}] must be a string of at least ${min} bytes${unset(secret)}`)
      }
    })
    return list
  }
}

/** Names the likely cause of a missing secret: an environment variable that is not set. */
function unset(secret: unknown): string {
  if (secret !== undefined && secret !== null && secret !== '') return ''
  return (
    `, got ${secret === '' ? 'an empty string' : String(secret)}: is the environment variable ` +
    'that holds it (SESSION_SECRET?) set? Make one with `openssl rand -base64 32`'
  )
}
