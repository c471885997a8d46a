/** @module encryptedCodec's keys: one AES-256-GCM key and JWE header per secret, by HKDF. */
import { encodeBase64url, utf8 } from '../lib/base64url.ts'
import { aesGcmKey, cached } from '../lib/keys.ts'

/** HKDF `info`: binds the derived key to this one use of the secret. */
const INFO = 'fetch-session encryptedCodec A256GCM'

export interface DerivedKey {
  kid: string
  key: CryptoKey
  /** The encoded protected header, which is also the AES-GCM additional data. */
  header: string
  aad: Uint8Array<ArrayBuffer>
}

/** Derived once per secret, so codecs built per request (a Workers `env`) derive it once. */
export function deriveKey(secret: string): Promise<DerivedKey> {
  return cached(`encryptedCodec:${secret}`, () => derive(secret))
}

async function derive(secret: string): Promise<DerivedKey> {
  const ikm = await crypto.subtle.importKey('raw', utf8(secret), 'HKDF', false, ['deriveBits'])
  const bytes = new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: utf8(INFO) },
      ikm,
      256,
    ),
  )
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
  const kid = encodeBase64url(digest.subarray(0, 8))
  const header = encodeBase64url(utf8(JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid })))
  return { kid, key: await aesGcmKey(bytes), header, aad: utf8(header) }
}
