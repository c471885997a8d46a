/** @module cookieAuthorization: the request presents its token in a cookie. */
import type { AuthorizationBackend } from '../backends.ts'
import { SessionError } from '../errors.ts'
import { isCookieName, parseCookies, readCookie } from '../lib/cookie-header.ts'

export interface CookieAuthorizationOptions {
  /** Cookie name; default `session`. */
  name?: string
  /** Read a token split over `name.0`, `name.1`, … up to this many chunks; default 1 (no chunking). */
  maxChunks?: number
}

/**
 * Reads the token from the request's cookie `name`. With the same name in several cookies, the
 * first one in the header wins; an empty value counts as no token. With chunking, a whole `name`
 * cookie wins over chunks, and chunks are read in order until one is missing, never past
 * `maxChunks`.
 *
 * @example
 * const authorization = cookieAuthorization({ name: '__Host-session' })
 */
export function cookieAuthorization(
  options: CookieAuthorizationOptions = {},
): AuthorizationBackend {
  const name = options.name ?? 'session'
  const maxChunks = options.maxChunks ?? 1
  if (!isCookieName(name)) {
    throw new SessionError('ERR_SESSION_CONFIG', 'cookie: name must be an RFC 6265 token')
  }
  if (!Number.isSafeInteger(maxChunks) || maxChunks < 1 || maxChunks > 10) {
    throw new SessionError(
      'ERR_SESSION_CONFIG',
      'cookie: maxChunks must be a whole number from 1 to 10',
    )
  }
  return {
    header: 'Cookie',
    getToken(request: Request): string | undefined {
      const header = request.headers.get('cookie')
      if (maxChunks === 1) return readCookie(header, name) || undefined
      const cookies = parseCookies(header)
      const whole = cookies.get(name)
      if (whole) return whole
      let token = ''
      for (let i = 0; i < maxChunks; i++) {
        const chunk = cookies.get(`${name}.${i}`)
        if (!chunk) break
        token += chunk
      }
      return token || undefined
    },
  }
}
