/** @module cookie(): storage and authorization for one cookie, in one call. */

import type { StorageBackend } from '../backends.ts'
import { type CookieAuthorizationBackend, cookieAuthorization } from './cookie-authorization.ts'
import { type CookieOptions, cookieStorageOf } from './cookie-storage.ts'

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
    storage: cookieStorageOf('cookie', options),
    authorization: cookieAuthorization({ name: options.name, maxChunks: options.maxChunks }),
  }
}
