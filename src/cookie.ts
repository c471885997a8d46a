/** @module cookie(): storage and authorization for one cookie, in one call. */

import { type CookieAuthorizationBackend, cookieAuthorization } from './authorization/cookie.ts'
import type { StorageBackend } from './backends.ts'
import { type CookieOptions, cookieStorage } from './storage/cookie.ts'

/**
 * The token travels in one cookie both ways: spread the result into the backend set.
 *
 * @example
 * withSession(handler, { codec: signedCodec({ secrets: SECRET }), ...cookie({ name: '__Host-session' }) })
 */
export function cookie(options: CookieOptions = {}): {
  storage: StorageBackend
  authorization: CookieAuthorizationBackend
} {
  return {
    storage: cookieStorage(options),
    authorization: cookieAuthorization({ name: options.name, maxChunks: options.maxChunks }),
  }
}
