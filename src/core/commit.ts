/** @module Writing our headers onto the handler's response: in place when safe, else a copy. Internal. */
import type { AuthorizationBackend } from '../backends.ts'

/**
 * Which request first returned a Response object, and its headers before that request wrote its
 * own. A handler may return one Response to many requests (a module-level constant): only the
 * first writes in place; every later one gets a copy with the first one's changes undone, so no
 * user's Set-Cookie ever reaches another user, whatever order the requests commit in.
 */
interface Claim {
  /** The request (the outermost layer of nested ones) that wrote on it. */
  owner: object
  /** The headers as the handler left them, when `request` changed them in place. */
  original: Headers | undefined
}

/**
 * A Response finds its claim through a symbol-keyed property, cheaper per request than a WeakMap
 * entry (the untouched path pays it too); a Response that refuses new properties uses the WeakMap.
 */
const CLAIM: unique symbol = Symbol('fetch-session claim')
const fallback = new WeakMap<Response, Claim>()
type Claimed = Response & { [CLAIM]?: Claim }
const PROBE = 'x-fetch-session-probe'

function claimOf(response: Response): Claim | undefined {
  return (response as Claimed)[CLAIM] ?? fallback.get(response)
}

function claim(response: Response, value: Claim): void {
  try {
    ;(response as Claimed)[CLAIM] = value
  } catch {
    // A frozen or sealed Response: the WeakMap below takes over.
  }
  if ((response as Claimed)[CLAIM] !== value) fallback.set(response, value)
}

/**
 * Returns the response for `owner`'s request with `write` applied to its headers (none: unchanged). The
 * handler's own object is kept whenever that is safe, so its body, status, content type (Bun
 * keeps an implied one out of `headers`) and every header stay exactly as it made them.
 */
export function commitHeaders<Res extends Response | undefined>(
  response: Res,
  owner: object,
  write: ((headers: Headers) => void) | undefined,
): Res {
  // No headers of ours on an upgrade, Response.error() or an opaque response.
  if (response === undefined || response.status === 101 || response.status === 0) return response
  const held = claimOf(response)
  if (held === undefined || held.owner === owner) {
    if (write === undefined) {
      if (held === undefined) claim(response, { owner, original: undefined })
      return response
    }
    if (isMutable(response.headers)) {
      const original = held?.original ?? new Headers(response.headers)
      claim(response, { owner, original })
      write(response.headers)
      return response
    }
    // Response.redirect() and fetch() results have immutable headers.
    const copy = copyResponse(response, response.headers)
    write(copy.headers)
    return copy as Res
  }
  // Another request returned this object before: it is shared, and only ever copied from now on.
  if (write === undefined && held.original === undefined) return response
  const copy = copyResponse(response, held.original ?? response.headers)
  write?.(copy.headers)
  return copy as Res
}

function isMutable(headers: Headers): boolean {
  try {
    // Deleting a header that is not there changes nothing, and throws on immutable headers.
    headers.delete(PROBE)
    return true
  } catch {
    return false
  }
}

function copyResponse(response: Response, headers: Headers): Response {
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  })
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
    if (backend.header !== undefined) addVary(headers, backend.header)
  }
}

/** Adds `name` to `Vary` unless it is there (or `*` is). */
function addVary(headers: Headers, name: string): void {
  const vary = headers.get('vary')
  if (vary === null) headers.set('vary', name)
  else if (
    !vary
      .split(',')
      .some((item) => /^\s*\*\s*$/.test(item) || item.trim().toLowerCase() === name.toLowerCase())
  ) {
    headers.set('vary', `${vary}, ${name}`)
  }
}
