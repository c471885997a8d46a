/** @module HMAC under a list of keys: the first signs, any verifies. Internal. */
import { type HmacHash, hmacKey } from './keys.ts'

export interface HmacKeys {
  /** The tag of `data` under the newest key. */
  sign(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>>
  /** The index of the key that made `tag` for `data` (0 is the newest), or -1. */
  verify(tag: Uint8Array<ArrayBuffer>, data: Uint8Array<ArrayBuffer>): Promise<number>
}

/**
 * Keys are imported on first use and kept by this codec instance, so a request costs no import.
 * `secrets` may also be a loader, for keys derived from the secret (itsdangerous).
 */
export function hmacKeys(
  secrets: readonly (string | Uint8Array<ArrayBuffer>)[] | (() => Promise<CryptoKey[]>),
  hash: HmacHash,
): HmacKeys {
  let keys: Promise<CryptoKey[]> | undefined
  const load = (): Promise<CryptoKey[]> => {
    if (keys === undefined) {
      const loading =
        typeof secrets === 'function'
          ? secrets()
          : Promise.all(secrets.map((secret) => hmacKey(secret, hash)))
      keys = loading
      // A failed import is tried again on the next request.
      loading.catch(() => {
        if (keys === loading) keys = undefined
      })
    }
    return keys
  }
  return {
    async sign(data) {
      const [key] = await load()
      return new Uint8Array(await crypto.subtle.sign('HMAC', key!, data))
    },
    async verify(tag, data) {
      const all = await load()
      for (let i = 0; i < all.length; i++) {
        if (await crypto.subtle.verify('HMAC', all[i]!, tag, data)) return i
      }
      return -1
    },
  }
}
