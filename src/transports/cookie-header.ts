/** @module The Cookie header parser and the Set-Cookie grammar checks (RFC 6265bis). Internal. */
import { integerRule, type OptionRule, optional } from '../lib/options.ts'

/** cookie-name: an RFC 9110 token. */
const NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
/** cookie-value: cookie-octets, optionally inside one pair of double quotes. */
const VALUE =
  /^(?:[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*|"[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*")$/
/** An attribute value: any CHAR but controls and `;`. */
const ATTRIBUTE = /^[\x20-\x3A\x3C-\x7E]*$/

export function isCookieName(name: unknown): name is string {
  return typeof name === 'string' && NAME.test(name)
}

/** The cookie-name option, `session` when absent. */
export const cookieNameRule: OptionRule<string> = optional((value, fail) => {
  if (!isCookieName(value)) fail("must be an RFC 6265 token (letters, digits, !#$%&'*+-.^_`|~)")
  return value as string
}, 'session')

/** How many chunk cookies one token may be split over: 1 (no chunking) to 10. */
export const maxChunksRule: OptionRule<number> = integerRule(1, 10, 1)

export function isCookieValue(value: string): boolean {
  return VALUE.test(value)
}

export function isAttributeValue(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 1024 && ATTRIBUTE.test(value)
}

/**
 * Calls `visit(name, value, joined)` for each pair of a Cookie header, in order, until it returns
 * true.
 *
 * Rules: pairs are split on `;` and on `,` (Deno's `Headers` and workerd join several Cookie
 * headers with `, `); only space and tab around a name or value are trimmed (never U+00A0); one
 * pair of double quotes around a value is removed; a pair without `=`, or with an empty name, is
 * skipped. `joined` is true for a pair that follows a `,` inside one `;`-separated cookie: either
 * a header the runtime joined, or text inside one cookie's value, which browsers let any host of
 * the site set (`pref=x,__Host-session=…`). The caller decides which it may trust.
 */
function eachPair(
  header: string,
  visit: (name: string, value: string, joined: boolean) => boolean,
): void {
  let start = 0
  let joined = false
  // The next '=' at or after `start`, searched again only once passed: linear in the header.
  let eq = -1
  while (start < header.length) {
    let end = start
    let code = 0
    while (end < header.length) {
      code = header.charCodeAt(end)
      if (code === 0x3b || code === 0x2c) break
      end++
    }
    if (eq !== header.length && eq < start) {
      eq = header.indexOf('=', start)
      if (eq < 0) eq = header.length
    }
    if (eq < end) {
      const name = trim(header.slice(start, eq))
      if (name !== '' && visit(name, unquote(trim(header.slice(eq + 1, end))), joined)) return
    }
    // What follows a ',' is joined until the next ';'.
    joined = end < header.length && code === 0x2c
    start = end + 1
  }
}

/** Every value of cookie `name` in a Cookie header, in order, split by how it was found. */
export function cookieValues(
  header: string | null,
  name: string,
): { own: string[]; joined: string[] } {
  const own: string[] = []
  const joined: string[] = []
  if (header !== null && name !== '') {
    eachPair(header, (key, value, afterComma) => {
      if (key === name) (afterComma ? joined : own).push(value)
      return false
    })
  }
  return { own, joined }
}

/** The prefixes a browser enforces on a cookie name, matched in any letter case as Chromium does. */
export type CookiePrefix = 'host' | 'host-http' | 'secure' | 'http'

/**
 * The prefix of a cookie name as Chromium reads it: `__Secure-`, `__Host-Http-`, `__Host-` or
 * `__Http-`, in any letter case, or `undefined`.
 */
export function cookiePrefix(name: string): CookiePrefix | undefined {
  const lower = name.slice(0, 12).toLowerCase()
  if (lower.startsWith('__secure-')) return 'secure'
  if (lower.startsWith('__host-http-')) return 'host-http'
  if (lower.startsWith('__host-')) return 'host'
  if (lower.startsWith('__http-')) return 'http'
  return undefined
}

/**
 * The value of cookie `name` in a Cookie header, or `undefined`. When a name occurs more than
 * once, the first occurrence wins: browsers send the cookie with the longest path, then the
 * oldest, first.
 */
export function readCookie(header: string | null, name: string): string | undefined {
  let found: string | undefined
  if (header !== null && name !== '') {
    eachPair(header, (key, value) => {
      if (key === name) found = value
      return key === name
    })
  }
  return found
}

/** Every cookie of a Cookie header, by the same rules as `readCookie`; names never reach a prototype. */
export function parseCookies(header: string | null): Map<string, string> {
  const cookies = new Map<string, string>()
  if (header !== null) {
    eachPair(header, (name, value) => {
      if (!cookies.has(name)) cookies.set(name, value)
      return false
    })
  }
  return cookies
}

/** The cookie name of a Set-Cookie header value. */
export function setCookieName(setCookie: string): string {
  const eq = setCookie.indexOf('=')
  return trim(eq < 0 ? '' : setCookie.slice(0, eq))
}

function trim(text: string): string {
  let start = 0
  let end = text.length
  while (start < end && isBlank(text.charCodeAt(start))) start++
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--
  return start === 0 && end === text.length ? text : text.slice(start, end)
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09
}

function unquote(value: string): string {
  return value.length >= 2 && value[0] === '"' && value[value.length - 1] === '"'
    ? value.slice(1, -1)
    : value
}
