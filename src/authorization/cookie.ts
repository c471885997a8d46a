/** @module cookieAuthorization: the request presents its token in a cookie. */
import type { AuthorizationBackend } from '../backends.ts'
import { SessionError } from '../errors.ts'
import { isCookieName, readCookie } from '../lib/cookie-header.ts'

export interface CookieAuthorizationOptions {
  /** Cookie name; default `session`. */
  name?: string
}

/**
 * Reads the token from the request's cookie `name`. With the same name in several cookies, the
 * first one in the header wins; an empty value counts as no token.
 *
 * @example
 * const authorization = cookieAuthorization({ name: '__Host-session' })
 */
export function cookieAuthorization(
  options: CookieAuthorizationOptions = {},
): AuthorizationBackend {
  const name = options.name ?? 'session'
  if (!isCookieName(name)) {
    throw new SessionError('ERR_SESSION_CONFIG', 'cookie: name must be an RFC 6265 token')
  }
  return {
    getToken(request: Request): string | undefined {
      const token = readCookie(request.headers.get('cookie'), name)
      return token === '' ? undefined : token
    },
  }
}
