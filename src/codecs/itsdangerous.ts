/** @module The pieces of itsdangerous (and Django's signing, its sibling) the Python codecs share. Internal. */
import { DecodeError } from '../errors.ts'
import { decodeBase64url, encodeBase64url, utf8 } from '../lib/base64url.ts'
import { type HmacKeys, hmacKeys, nativeCrypto } from '../lib/hmac.ts'
import { cached, type HmacHash } from '../lib/keys.ts'
import { deflate, inflate } from './zlib.ts'

/**
 * How a signing key comes from the secret: `concat` is itsdangerous' 'django-concat' and Django's
 * `salted_hmac` (HASH(salt + 'signer' + secret)); `hmac` is itsdangerous' 'hmac', Flask's choice
 * (HMAC(secret, salt)).
 */
export type KeyDerivation = 'concat' | 'hmac'

/**
 * The HMAC key bytes for `secret`, derived as the Python side derives them, once per process
 * (through `node:crypto` where the runtime has it).
 */
export function derivedSecret(
  secret: string,
  salt: string,
  derivation: KeyDerivation,
  hash: HmacHash,
  webCrypto = false,
): Promise<Uint8Array<ArrayBuffer>> {
  const id = `itsdangerous:${derivation}:${hash}:${salt.length}:${salt}:${secret}`
  return cached(id, async () => {
    const native = nativeCrypto(webCrypto)
    const name = hash.replace('-', '').toLowerCase()
    if (derivation === 'concat') {
      const message = utf8(`${salt}signer${secret}`)
      if (native !== undefined)
        return new Uint8Array(native.createHash(name).update(message).digest())
      return new Uint8Array(await crypto.subtle.digest(hash, message))
    }
    if (native !== undefined) {
      return new Uint8Array(native.createHmac(name, utf8(secret)).update(utf8(salt)).digest())
    }
    const key = await crypto.subtle.importKey('raw', utf8(secret), { name: 'HMAC', hash }, false, [
      'sign',
    ])
    return new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8(salt)))
  })
}

/**
 * The keys of one codec: `derivedSecret` for every secret, for each hash in turn (the first signs),
 * derived on first use, so building a codec costs no crypto. A key is used with the hash it was
 * derived with, as Django's legacy SHA-1 signatures need.
 */
export function derivedKeys(
  secrets: readonly string[],
  salt: string,
  derivation: KeyDerivation,
  hashes: readonly HmacHash[],
  webCrypto = false,
): HmacKeys {
  const groups = hashes.map((hash) =>
    hmacKeys(
      () =>
        Promise.all(
          secrets.map((secret) => derivedSecret(secret, salt, derivation, hash, webCrypto)),
        ),
      hash,
      webCrypto,
    ),
  )
  if (groups.length === 1) return groups[0]!
  return {
    sign: (data) => groups[0]!.sign(data),
    async verify(tag, data) {
      for (let group = 0; group < groups.length; group++) {
        const index = await groups[group]!.verify(tag, data)
        if (index >= 0) return group * secrets.length + index
      }
      return -1
    },
  }
}

/** The base64url signature of `value`, as both itsdangerous and Django write it. */
export async function signature(keys: HmacKeys, value: string): Promise<string> {
  return encodeBase64url(await keys.sign(value))
}

/**
 * The index of the first key under which `signature` (base64url, as written) signs `value`, or
 * -1. A signature that is not canonical base64url verifies under none.
 */
export async function verifyingKey(
  keys: HmacKeys,
  value: string,
  signature: string,
): Promise<number> {
  const bytes = decodeBase64url(signature)
  return bytes === undefined ? -1 : keys.verify(bytes, value)
}

/** itsdangerous' int_to_bytes: big-endian, leading zero bytes dropped (0 is no bytes at all). */
export function intToBytes(value: number): Uint8Array {
  const bytes: number[] = []
  for (let n = Math.max(0, value); n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256)
  return new Uint8Array(bytes)
}

/** The inverse of `intToBytes`; `undefined` for a form itsdangerous never writes. */
export function bytesToInt(bytes: Uint8Array | undefined): number | undefined {
  if (bytes === undefined || bytes.length > 8 || bytes[0] === 0) return undefined
  let value = 0
  for (const byte of bytes) value = value * 256 + byte
  return value
}

/**
 * itsdangerous' URL-safe payload and Django's `sign_object`: base64url of the serialized data, or,
 * when zlib makes it shorter by more than one byte, `.` and base64url of the compressed bytes.
 */
export async function dumpPayload(json: Uint8Array, compress: boolean): Promise<string> {
  if (compress) {
    const compressed = await deflate(json)
    if (compressed.length < json.length - 1) return `.${encodeBase64url(compressed)}`
  }
  return encodeBase64url(json)
}

/** The serialized bytes of a payload `dumpPayload` wrote (or its Python twin). */
export async function loadPayload(payload: string): Promise<Uint8Array> {
  const compressed = payload.startsWith('.')
  const bytes = decodeBase64url(compressed ? payload.slice(1) : payload)
  if (bytes === undefined) throw new DecodeError('malformed', 'session payload is not base64url')
  return compressed ? inflate(bytes) : bytes
}
