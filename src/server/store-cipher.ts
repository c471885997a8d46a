/**
 * @module Encryption at rest for storeCodec: each stored value, index summary and snapshot as
 * AES-256-GCM ciphertext, bound to where it belongs. Internal.
 */
import { DecodeError } from '../errors.ts'
import { decodeBase64url, encodeBase64url, fromUtf8, utf8 } from '../lib/base64url.ts'
import { aesGcmKey, cached, hkdfKey } from '../lib/keys.ts'

/** HKDF `info`: binds each derived key to this one use of the secret. */
const INFO = 'fetch-session storeCodec encrypt A256GCM'
const IV_BYTES = 12
/** 6 bytes of the key's digest: which key sealed a value, without trying each. */
const KID_LENGTH = 8

interface Key {
  kid: string
  key: CryptoKey
}

/** What `open` found: the plaintext, and whether an older key sealed it (rewrite it). */
export interface Opened {
  text: string
  stale: boolean
}

/**
 * Seals and opens text under `[newest, ...older]` keys. `context` is the AES-GCM additional data:
 * a value sealed for one session id and key does not open under another.
 */
export interface StoreCipher {
  seal(context: string, text: string): Promise<string>
  /** Throws `DecodeError` (`malformed`) for a value that does not open under any key. */
  open(context: string, sealed: string): Promise<Opened>
}

/** Where a record's value belongs: its session id and its key. */
export const valueContext = (id: string, key: string): string => `value ${id} ${key}`
/** Where an index summary belongs: its user and session id. */
export const infoContext = (user: string, id: string): string => `info ${user} ${id}`

export function storeCipher(secrets: readonly string[]): StoreCipher {
  let keys: Promise<Key[]> | undefined
  const all = () => {
    keys ??= Promise.all(
      secrets.map((secret) => cached(`storeCipher:${secret}`, () => derive(secret))),
    )
    return keys
  }
  return {
    async seal(context, text) {
      const [newest] = await all()
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES))
      const sealed = new Uint8Array(
        await crypto.subtle.encrypt(
          { name: 'AES-GCM', iv, additionalData: utf8(context) },
          newest!.key,
          utf8(text),
        ),
      )
      const out = new Uint8Array(IV_BYTES + sealed.length)
      out.set(iv)
      out.set(sealed, IV_BYTES)
      return `${newest!.kid}${encodeBase64url(out)}`
    },
    async open(context, sealed) {
      const list = await all()
      const kid = sealed.slice(0, KID_LENGTH)
      const index = list.findIndex((key) => key.kid === kid)
      const bytes = decodeBase64url(sealed.slice(KID_LENGTH))
      if (index < 0 || bytes === undefined || bytes.length <= IV_BYTES) {
        throw new DecodeError('malformed', 'stored session is not valid')
      }
      try {
        const text = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: bytes.subarray(0, IV_BYTES), additionalData: utf8(context) },
          list[index]!.key,
          bytes.subarray(IV_BYTES),
        )
        return { text: fromUtf8(new Uint8Array(text)), stale: index > 0 }
      } catch (cause) {
        throw new DecodeError('malformed', 'stored session is not valid', { cause })
      }
    },
  }
}

async function derive(secret: string): Promise<Key> {
  const { bytes, digest } = await hkdfKey(secret, INFO)
  return { kid: encodeBase64url(digest.subarray(0, 6)), key: await aesGcmKey(bytes) }
}
