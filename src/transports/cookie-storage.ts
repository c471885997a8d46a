/** @module cookieStorage: the token goes to the client in a Set-Cookie header. */
import type { PersistOptions, StorageBackend } from '../backends.ts'
import { SessionError } from '../errors.ts'
import { booleanRule, checkOptions, configError, optional, secondsRule } from '../lib/options.ts'
import { cookieMaxAge } from '../lib/response-headers.ts'
import {
  cookieNameRule,
  cookiePrefix,
  isAttributeValue,
  isCookieValue,
  maxChunksRule,
  parseCookies,
  setCookieName,
} from './cookie-header.ts'

/** How a browser accepts `SameSite`; any letter case is accepted. */
export type SameSite =
  | 'lax'
  | 'strict'
  | 'none'
  | 'Lax'
  | 'Strict'
  | 'None'
  | 'LAX'
  | 'STRICT'
  | 'NONE'

export interface CookieOptions {
  /**
   * Cookie name; default `session`. The prefixes browsers enforce are checked as Chromium checks
   * them, in any letter case: `__Secure-` needs `secure`; `__Host-` also path `/` and no domain;
   * `__Http-` needs `secure` and `httpOnly`; `__Host-Http-` all of these.
   */
  name?: string
  /** Default `/`. */
  path?: string
  /**
   * Default: none (the cookie goes to this host only). A single label (`localhost`) or a public
   * suffix from a built-in list of common ones (`com`, `co.uk`, `github.io`, …) is refused:
   * browsers drop such a cookie, or keep it for the one host that has that name.
   */
  domain?: string
  /**
   * Seconds the browser keeps the cookie. Default: as long as the token is valid (the codec's
   * lifetime), else until the browser closes. `null`: until the browser closes. From 1 second to
   * 400 days (0 would drop every session at once), and never longer than the token is valid.
   */
  maxAge?: number | null
  /** Default `lax`. */
  sameSite?: SameSite
  /** Default `true`; browsers accept Secure cookies on http://localhost. */
  secure?: boolean
  /** Default `true`: scripts cannot read the cookie. */
  httpOnly?: boolean
  /** CHIPS: a cookie partitioned by top-level site. Default `false`; needs `secure`. */
  partitioned?: boolean
  /**
   * Opt-in chunking: the most cookies one session may take. A token too large for one cookie is
   * split over `name.0`, `name.1`, …; more than this is `ERR_SESSION_TOO_LARGE`. Default 1 (no
   * chunking), at most 10. Mind the server's limit on request headers (Node: 16 KiB in all).
   */
  maxChunks?: number
}

/** Browsers drop cookies whose name and value exceed 4096 bytes. */
export const MAX_COOKIE_SIZE: number = 4096

/**
 * Writes the token as a cookie. Every option is checked here, once, so a bad one fails at startup
 * instead of producing a cookie the browser drops or an injected header.
 *
 * @example
 * const storage = cookieStorage({ name: '__Host-session', sameSite: 'strict', maxAge: 86400 })
 */
export function cookieStorage(options: CookieOptions = {}): StorageBackend {
  return cookieStorageOf('cookieStorage', options)
}

/** `cookieStorage` whose messages name `owner` (`cookie` when built by `cookie()`). */
export function cookieStorageOf(owner: string, options: CookieOptions): StorageBackend {
  const { name, attributes, maxAge, maxChunks } = checkCookieOptions(options, owner)
  const chunkNames = Array.from({ length: maxChunks > 1 ? maxChunks : 0 }, (_, i) => `${name}.${i}`)
  /** Room for a value in one chunk: the name grows by `.N`. */
  const chunkSize = MAX_COOKIE_SIZE - name.length - 3

  const expire = (headers: Headers, cookie: string) =>
    setCookie(
      headers,
      cookie,
      `${cookie}=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT${attributes}`,
    )
  /** Expires the given cookies the request holds (all of them when the request is not known). */
  const expireHeld = (headers: Headers, names: string[], request: Request | undefined) => {
    if (names.length === 0) return
    const held = request && parseCookies(request.headers.get('cookie'))
    for (const cookie of names) if (held === undefined || held.has(cookie)) expire(headers, cookie)
  }

  return {
    persist(headers: Headers, token: string, options: PersistOptions = {}): void {
      const { request } = options
      if (!isCookieValue(token)) {
        throw new SessionError(
          'ERR_SESSION_TOKEN',
          'the session token has characters a cookie cannot carry',
        )
      }
      const age = cookieMaxAge(maxAge, options.maxAge)
      const tail = `${age === undefined ? '' : `; Max-Age=${age}`}${attributes}`
      if (name.length + 1 + token.length <= MAX_COOKIE_SIZE) {
        setCookie(headers, name, `${name}=${token}${tail}`)
        expireHeld(headers, chunkNames, request)
        return
      }
      const count = Math.ceil(token.length / chunkSize)
      if (count > chunkNames.length) {
        throw new SessionError(
          'ERR_SESSION_TOO_LARGE',
          `session cookie ${name} would be ${name.length + 1 + token.length} bytes; ` +
            `${chunkNames.length > 1 ? `${chunkNames.length} chunks hold` : 'browsers keep'} at most ${Math.max(chunkNames.length, 1) * MAX_COOKIE_SIZE}`,
        )
      }
      chunkNames.slice(0, count).forEach((chunk, i) => {
        setCookie(
          headers,
          chunk,
          `${chunk}=${token.slice(i * chunkSize, (i + 1) * chunkSize)}${tail}`,
        )
      })
      expireHeld(headers, [name, ...chunkNames.slice(count)], request)
    },
    clear(headers: Headers, options: { request?: Request } = {}): void {
      expire(headers, name)
      expireHeld(headers, chunkNames, options.request)
    },
  }
}

interface CheckedCookie {
  name: string
  /** `; Path=/; Secure; ...`: every attribute but Max-Age, serialized once. */
  attributes: string
  maxAge: number | null | undefined
  maxChunks: number
}

/** Every cookie option: its rule, its default. */
const COOKIE_OPTIONS = {
  name: cookieNameRule,
  path: optional((value, fail) => {
    if (typeof value !== 'string' || !isAttributeValue(value) || !value.startsWith('/'))
      fail('must start with / and hold no ; or control characters')
    return value as string
  }, '/'),
  domain: optional((value, fail) => {
    if (
      typeof value !== 'string' ||
      !isAttributeValue(value) ||
      !/^\.?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*$/.test(value)
    ) {
      fail('must be a host name')
    }
    if (isPublicSuffix(value as string)) {
      fail('must not be a single label or a public suffix (browsers drop the cookie)')
    }
    return value as string
  }),
  maxAge: secondsRule({ nullable: true }),
  sameSite: optional((value, fail) => {
    const site = typeof value === 'string' ? value.toLowerCase() : value
    if (site !== 'lax' && site !== 'strict' && site !== 'none') fail('must be lax, strict or none')
    return site as 'lax' | 'strict' | 'none'
  }, 'lax' as const),
  secure: booleanRule(true),
  httpOnly: booleanRule(true),
  partitioned: booleanRule(false),
  maxChunks: maxChunksRule,
} as const

/** Validates cookie options the way a browser would judge the resulting Set-Cookie. */
export function checkCookieOptions(options: CookieOptions, owner = 'cookie'): CheckedCookie {
  const fail = (message: string): never => {
    configError(owner, message)
  }
  const { name, path, domain, maxAge, sameSite, secure, httpOnly, partitioned, maxChunks } =
    checkOptions(owner, options, COOKIE_OPTIONS)
  if (sameSite === 'none' && !secure) fail('sameSite none needs secure')
  if (partitioned && !secure) fail('partitioned needs secure')
  const prefix = cookiePrefix(name)
  if (prefix === 'secure' && !secure) fail('a __Secure- cookie needs secure')
  if (prefix === 'http' && (!secure || !httpOnly))
    fail('an __Http- cookie needs secure and httpOnly')
  const host = prefix === 'host' || prefix === 'host-http'
  if (host && (!secure || path !== '/' || domain !== undefined)) {
    fail(
      `a ${prefix === 'host' ? '__Host-' : '__Host-Http-'} cookie needs secure, path / and no domain`,
    )
  }
  if (prefix === 'host-http' && !httpOnly) fail('a __Host-Http- cookie needs httpOnly')

  const attributes =
    `; Path=${path}` +
    (domain === undefined ? '' : `; Domain=${domain}`) +
    (secure ? '; Secure' : '') +
    (httpOnly ? '; HttpOnly' : '') +
    `; SameSite=${sameSite[0]!.toUpperCase()}${sameSite.slice(1)}` +
    (partitioned ? '; Partitioned' : '')
  return { name, attributes, maxAge, maxChunks }
}

/**
 * Common public suffixes: a cookie for one of these would reach every site under it, so browsers
 * refuse it. Not the whole Public Suffix List: the ones apps are most often deployed under.
 */
const PUBLIC_SUFFIXES = new Set(
  (
    'co.uk org.uk ac.uk gov.uk me.uk ltd.uk plc.uk net.uk sch.uk nhs.uk ' +
    'com.au net.au org.au edu.au gov.au co.nz org.nz net.nz govt.nz co.jp ne.jp or.jp ac.jp go.jp ' +
    'co.kr or.kr com.cn net.cn org.cn gov.cn com.tw com.hk com.sg com.my co.in net.in org.in ' +
    'co.za com.br net.br org.br com.mx com.ar co.il org.il com.tr com.ua co.id ' +
    'github.io gitlab.io herokuapp.com vercel.app netlify.app pages.dev workers.dev appspot.com ' +
    'web.app firebaseapp.com azurewebsites.net cloudfront.net blogspot.com fly.dev onrender.com ' +
    'deno.dev glitch.me ngrok.io ngrok-free.app replit.app repl.co s3.amazonaws.com'
  ).split(' '),
)

/** A domain a browser never sets a cookie for: one label, or a common public suffix. */
function isPublicSuffix(domain: string): boolean {
  const host = domain.replace(/^\./, '').toLowerCase()
  return !host.includes('.') || PUBLIC_SUFFIXES.has(host)
}

/** Sets one Set-Cookie for `name`, replacing any the handler already set for it. */
function setCookie(headers: Headers, name: string, value: string): void {
  if (headers.has('set-cookie')) {
    const others = headers.getSetCookie().filter((cookie) => setCookieName(cookie) !== name)
    headers.delete('set-cookie')
    for (const cookie of others) headers.append('set-cookie', cookie)
  }
  headers.append('set-cookie', value)
}
