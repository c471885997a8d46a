/** @module cookieAuthorization: the request presents its token in a cookie. */
import type { AuthorizationBackend } from '../backends.ts'
import { DecodeError } from '../errors.ts'
import { checkOptions } from '../lib/options.ts'
import { cookieNameRule, cookiePrefix, cookieValues, maxChunksRule } from './cookie-header.ts'

export interface CookieAuthorizationOptions {
  /** Cookie name; default `session`. Prefer a `__Host-` name: see `getTokens`. */
  name?: string
  /** Read a token split over `name.0`, `name.1`, … up to this many chunks; default 1 (no chunking). */
  maxChunks?: number
}

/** A cookie authorization also offers every value it found, best first. */
export interface CookieAuthorizationBackend extends AuthorizationBackend {
  /**
   * Every token the request presents under the cookie name, best first, at most
   * four; the first is `getToken`'s. Throws `DecodeError('injected')` for a
   * `__Host-` name that another host planted.
   */
  getTokens(request: Request): string[]
}

/** The most values of one cookie name a request may make the server try. */
const MAX_COOKIE_CANDIDATES = 4

/**
 * Reads the token from the request's cookie `name`; an empty value counts as no token. With
 * chunking, a whole `name` cookie comes before chunks, and chunks are read in order until one is
 * missing, never past `maxChunks`.
 *
 * Another host of the site (a sibling subdomain, even over http) can set cookies this host
 * receives, and browsers let a cookie's name and value hold a `,`, so that `pref=x,__Host-s=…`
 * arrives as one cookie that a parser splitting on `,` would read as `__Host-s`. So:
 *
 * - A `__Host-` (or `__Host-Http-`) name, chunks included, is trusted only as a cookie of its own:
 *   found twice, or found after a `,` inside another cookie, it was planted, and `getToken` throws
 *   `DecodeError('injected')`: the request gets an empty session, and no codec sees the value.
 *   A browser holds one such cookie per host, so this never locks a user out.
 * - A `__Secure-` or `__Http-` name is read only as a cookie of its own; several are candidates.
 * - Any other name may also be read after a `,` (a runtime that joined several Cookie headers),
 *   and every value is a candidate: with the same name under several paths or domains (a sibling
 *   host's, or one an older configuration left), `getTokens` lists them in the browser's order
 *   (longest path, then oldest, first), and a server that tries each keeps the first that verifies.
 *
 * @example
 * const authorization = cookieAuthorization({ name: '__Host-session' })
 */
export function cookieAuthorization(
  options: CookieAuthorizationOptions = {},
): CookieAuthorizationBackend {
  const { name, maxChunks } = checkOptions('cookieAuthorization', options, {
    name: cookieNameRule,
    maxChunks: maxChunksRule,
  })
  const prefix = cookiePrefix(name)
  const chunkNames = Array.from({ length: maxChunks > 1 ? maxChunks : 0 }, (_, i) => `${name}.${i}`)

  /** The non-empty values a request presents for one cookie name, in order. */
  const values = (header: string | null, cookie: string): string[] => {
    const { own, joined } = cookieValues(header, cookie)
    if (prefix === 'host' || prefix === 'host-http') {
      if (own.length + joined.length > 1 || joined.length > 0) {
        throw new DecodeError('injected', `cookie ${cookie} was set by another host`)
      }
      return own.filter(Boolean)
    }
    return (prefix === undefined ? [...own, ...joined] : own).filter(Boolean)
  }

  const getTokens = (request: Request): string[] => {
    const header = request.headers.get('cookie')
    const found = values(header, name)
    if (chunkNames.length > 0) {
      let token = ''
      for (const chunk of chunkNames) {
        const [value] = values(header, chunk)
        if (value === undefined) break
        token += value
      }
      if (token !== '') found.push(token)
    }
    return [...new Set(found)].slice(0, MAX_COOKIE_CANDIDATES)
  }

  return {
    header: 'Cookie',
    getToken: (request: Request): string | undefined => getTokens(request)[0],
    getTokens,
  }
}
