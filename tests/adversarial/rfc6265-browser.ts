/**
 * The browser side of RFC 6265 (§5.1 dates, domains and paths; §5.2 parsing Set-Cookie; §5.3
 * storage; §5.4 the Cookie header), plus the 6265bis name prefixes every current browser enforces.
 * Written from the RFC, checked against the http-state vectors (tests/node/http-state.test.ts),
 * and used to judge the Set-Cookie lines the library writes. Web APIs only.
 */

export interface StoredCookie {
  name: string
  value: string
  domain: string
  hostOnly: boolean
  path: string
  expiry: number
  persistent: boolean
  secure: boolean
  httpOnly: boolean
  created: number
  /** Beyond RFC 6265 (6265bis, CHIPS): kept only so the library's output can be checked. */
  sameSite: string | undefined
  partitioned: boolean
}

const WSP = /^[ \t]+|[ \t]+$/g
/** Hosts a browser's public suffix list would refuse as a cookie domain (enough for the vectors). */
const PUBLIC_SUFFIXES = new Set(['org', 'com', 'net'])
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']

/** RFC 6265 §5.1.1: the cookie-date algorithm; undefined when it fails. */
function parseCookieDate(text: string): number | undefined {
  const tokens = text.split(/[\x09\x20-\x2F\x3B-\x40\x5B-\x60\x7B-\x7E]+/).filter(Boolean)
  let time: number[] | undefined
  let day: number | undefined
  let month: number | undefined
  let year: number | undefined
  for (const token of tokens) {
    const hms = time === undefined && /^(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\D.*)?$/.exec(token)
    if (hms) {
      time = [Number(hms[1]), Number(hms[2]), Number(hms[3])]
      continue
    }
    const dom = day === undefined && /^(\d{1,2})(?:\D.*)?$/.exec(token)
    if (dom) {
      day = Number(dom[1])
      continue
    }
    const index = month === undefined ? MONTHS.indexOf(token.slice(0, 3).toLowerCase()) : -1
    if (index >= 0) {
      month = index
      continue
    }
    const y = year === undefined && /^(\d{2,4})(?:\D.*)?$/.exec(token)
    if (y) year = Number(y[1])
  }
  if (year !== undefined && year >= 70 && year <= 99) year += 1900
  if (year !== undefined && year >= 0 && year <= 69) year += 2000
  if (time === undefined || day === undefined || month === undefined || year === undefined) return
  const [h, m, s] = time as [number, number, number]
  if (day < 1 || day > 31 || year < 1601 || h > 23 || m > 59 || s > 59) return
  const ms = Date.UTC(year, month, day, h, m, s)
  if (new Date(ms).getUTCDate() !== day) return
  return ms
}

function defaultPath(url: URL): string {
  const path = url.pathname
  if (!path.startsWith('/') || path.lastIndexOf('/') === 0) return '/'
  return path.slice(0, path.lastIndexOf('/'))
}

function domainMatches(host: string, domain: string): boolean {
  if (host === domain) return true
  return (
    host.endsWith(domain) && host[host.length - domain.length - 1] === '.' && !/^[\d.]+$/.test(host)
  )
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true
  if (!requestPath.startsWith(cookiePath)) return false
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/'
}

/** A cookie jar: RFC 6265 §5.2 and §5.3 on receive, §5.4 on send, with a fixed clock. */
export class Browser {
  cookies: StoredCookie[] = []
  #tick = 0
  constructor(readonly now: number) {}

  receive(setCookie: string, url: URL): void {
    const semi = setCookie.indexOf(';')
    const pair = semi < 0 ? setCookie : setCookie.slice(0, semi)
    const eq = pair.indexOf('=')
    if (eq < 0) return
    const name = pair.slice(0, eq).replace(WSP, '')
    const value = pair.slice(eq + 1).replace(WSP, '')
    if (name === '') return
    const attrs: [string, string][] = []
    for (const av of semi < 0 ? [] : setCookie.slice(semi + 1).split(';')) {
      const at = av.indexOf('=')
      const key = (at < 0 ? av : av.slice(0, at)).replace(WSP, '').toLowerCase()
      const val = at < 0 ? '' : av.slice(at + 1).replace(WSP, '')
      if (key === 'expires') {
        const date = parseCookieDate(val)
        if (date !== undefined) attrs.push(['expires', String(date)])
      } else if (key === 'max-age') {
        if (!/^-?\d+$/.test(val)) continue
        const delta = Number(val)
        attrs.push(['max-age', String(delta <= 0 ? -Infinity : this.now + delta * 1000)])
      } else if (key === 'domain') {
        if (val !== '')
          attrs.push(['domain', (val.startsWith('.') ? val.slice(1) : val).toLowerCase()])
      } else if (key === 'path') {
        attrs.push(['path', val.startsWith('/') ? val : defaultPath(url)])
      } else if (key === 'secure' || key === 'httponly' || key === 'partitioned') {
        attrs.push([key, ''])
      } else if (key === 'samesite') {
        attrs.push([key, val])
      }
    }
    const last = (key: string) => attrs.findLast(([k]) => k === key)?.[1]
    const maxAge = last('max-age')
    const expires = last('expires')
    const expiry =
      maxAge !== undefined ? Number(maxAge) : expires !== undefined ? Number(expires) : Infinity
    const host = url.hostname.toLowerCase()
    let domain = last('domain') ?? ''
    if (PUBLIC_SUFFIXES.has(domain)) {
      if (domain !== host) return
      domain = ''
    }
    if (domain !== '' && !domainMatches(host, domain)) return
    const stored: StoredCookie = {
      name,
      value,
      domain: domain || host,
      hostOnly: domain === '',
      path: last('path') ?? defaultPath(url),
      expiry,
      persistent: maxAge !== undefined || expires !== undefined,
      secure: last('secure') !== undefined,
      httpOnly: last('httponly') !== undefined,
      created: this.#tick++,
      sameSite: last('samesite'),
      partitioned: last('partitioned') !== undefined,
    }
    // RFC 6265bis §4.1.3: cookie name prefixes, as every current browser enforces them.
    const lower = name.toLowerCase()
    if (lower.startsWith('__secure-') && !stored.secure) return
    if (
      lower.startsWith('__host-') &&
      (!stored.secure || !stored.hostOnly || stored.path !== '/')
    ) {
      return
    }
    const old = this.cookies.findIndex(
      (c) => c.name === name && c.domain === stored.domain && c.path === stored.path,
    )
    if (old >= 0) {
      stored.created = this.cookies[old]!.created
      this.cookies.splice(old, 1)
    }
    this.cookies.push(stored)
    this.cookies = this.cookies.filter((c) => c.expiry > this.now)
  }

  cookieHeader(url: URL): string {
    const host = url.hostname.toLowerCase()
    return this.cookies
      .filter(
        (c) =>
          (c.hostOnly ? host === c.domain : domainMatches(host, c.domain)) &&
          pathMatches(url.pathname, c.path) &&
          (!c.secure || url.protocol === 'https:'),
      )
      .sort((a, b) => b.path.length - a.path.length || a.created - b.created)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ')
  }
}
