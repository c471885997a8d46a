/**
 * @module The headers a session adds to a response, decided here once: the cookie's Max-Age, the
 * `Cache-Control` and `Vary` of a token-carrying response, and list headers. Internal.
 */
import type { AuthorizationBackend } from '../backends.ts'
import { MAX_LIFETIME } from './options.ts'

/**
 * The Max-Age a session cookie gets: the earliest of the lifetimes that bound it (the token's,
 * the session's own, the cookie's configured one), in whole seconds, at most 400 days (RFC
 * 6265bis). `null` among them: a browser-session cookie, no Max-Age; none given: none either.
 */
export function cookieMaxAge(...lifetimes: (number | null | undefined)[]): number | undefined {
  if (lifetimes.includes(null)) return undefined
  let age: number | undefined
  for (const each of lifetimes) {
    if (typeof each === 'number' && (age === undefined || each < age)) age = each
  }
  return age === undefined ? undefined : Math.max(0, Math.min(Math.floor(age), MAX_LIFETIME))
}

/** Directives that let a shared cache keep a response, which must never happen to a token. */
const SHARED_CACHE = /(?:^|,)\s*(?:public|s-maxage|max-age)\b/i
/**
 * `private` with no field names, or `no-store`: kept from shared caches. A qualified
 * `private="x"` only withholds the named fields, so a shared cache may still store the rest.
 */
const PRIVATE = /(?:^|,)\s*(?:private|no-store)\s*(?:,|$)/i
/** Cache-Control for one kind of cache (RFC 9213's `CDN-Cache-Control`, `Surrogate-Control`). */
const TARGETED = /^(?:(?:[a-z0-9-]+-)?cdn-cache-control|surrogate-control)$/i

/**
 * A response that carries a token is for this client only: `private, no-store` unless the handler
 * already kept it out of shared caches, and `Vary` names the request header the token came from.
 */
export function privateResponse(
  headers: Headers,
  authorization: AuthorizationBackend | readonly AuthorizationBackend[],
): void {
  const control = headers.get('cache-control')
  const shared = control !== null && /public|s-maxage/i.test(control)
  if (control === null || shared || (SHARED_CACHE.test(control) && !PRIVATE.test(control))) {
    headers.set('cache-control', 'private, no-store')
  }
  // A CDN obeys its own header over Cache-Control: one naming a lifetime would keep the token.
  const targeted: string[] = []
  headers.forEach((_, name) => {
    if (TARGETED.test(name)) targeted.push(name)
  })
  for (const name of targeted) headers.set(name, 'no-store')
  const list = Array.isArray(authorization) ? authorization : [authorization]
  for (const backend of list as readonly AuthorizationBackend[]) {
    if (backend.header !== undefined) addToList(headers, 'vary', backend.header)
  }
}

/**
 * Adds `item` to a comma-separated list header (`Vary`, `Access-Control-Expose-Headers`) unless it
 * is there already, in any case, or `*` stands for every item.
 */
export function addToList(headers: Headers, header: string, item: string): void {
  const list = headers.get(header)
  if (list === null) headers.set(header, item)
  else if (
    !list
      .split(',')
      .some((each) => /^\s*\*\s*$/.test(each) || each.trim().toLowerCase() === item.toLowerCase())
  ) {
    headers.set(header, `${list}, ${item}`)
  }
}
