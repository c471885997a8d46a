/** @module storeCodec's options, checked once and built into the parts the codec runs on. Internal. */
import { type HmacKeys, hmacKeys } from '../lib/hmac.ts'
import { secretList } from '../lib/keys.ts'
import { type Lifetime, lifetime } from '../lib/lifetime.ts'
import { configError, optionsObject } from '../lib/options.ts'
import { type StoreGuard, storeGuard, timeoutOption } from './store-call.ts'
import { type StoreCipher, storeCipher } from './store-cipher.ts'
import type { StoreCodecOptions } from './store-codec-types.ts'

export interface StoreCodecParts {
  /** The id tag's HMAC keys, with `secrets`. */
  keys: HmacKeys | undefined
  /** The cipher at rest, with `encrypt`. */
  cipher: StoreCipher | undefined
  life: Lifetime
  guard: StoreGuard
}

/** Refuses unknown keys, a store without its four calls and short secrets; builds the rest. */
export function storeCodecParts(owner: string, options: StoreCodecOptions): StoreCodecParts {
  optionsObject(owner, options ?? null, {
    ...{ store: 1, secrets: 1, maxAge: 1, idleTimeout: 1, clockTolerance: 1, now: 1 },
    ...{ webCrypto: 1, cache: 1, timeout: 1, index: 1, snapshot: 1, encrypt: 1 },
  })
  const { store, secrets, encrypt, maxAge, idleTimeout, clockTolerance, now } = options
  if (!['get', 'set', 'patch', 'delete'].every((m) => typeof store?.[m as 'get'] === 'function')) {
    configError(owner, 'store must have get, set, patch and delete')
  }
  return {
    keys:
      secrets === undefined
        ? undefined
        : hmacKeys(secretList(secrets, owner, 32), 'SHA-256', options.webCrypto),
    cipher:
      encrypt === undefined ? undefined : storeCipher(secretList(encrypt, owner, 32, 'encrypt')),
    life: lifetime({ maxAge, idleTimeout, clockTolerance, now }, owner),
    guard: storeGuard(timeoutOption(owner, options.timeout)),
  }
}
