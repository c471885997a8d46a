/** @module Writing our headers onto the handler's response: in place when safe, else a copy. Internal. */

/**
 * Which request first returned a Response object, and its headers before that request wrote its
 * own. A handler may return one Response to many requests (a module-level constant): only the
 * first writes in place; every later one gets a copy with the first one's changes undone, so no
 * user's Set-Cookie ever reaches another user, whatever order the requests commit in.
 */
interface Claim {
  /** The request (the outermost layer of nested ones) that wrote on it. */
  owner: object
  /**
   * The headers as the handler left them, when `request` changed them in place: a plain list,
   * cheaper to keep than a Headers copy, and made into Headers only for a copy of the Response.
   */
  original: [string, string][] | undefined
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
      const original = held?.original ?? entries(response.headers)
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

/** Every header as the iterator gives it: each Set-Cookie apart, as Headers takes them back. */
function entries(headers: Headers): [string, string][] {
  const list: [string, string][] = []
  for (const entry of headers) list.push(entry)
  return list
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

function copyResponse(response: Response, headers: Headers | [string, string][]): Response {
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  })
}
