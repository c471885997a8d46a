/** What the demo's Session card says about the cookie: its size as sent, and its attributes. */
import type { CookieOptions } from '../../src/index.ts'

/** The session cookies the browser sent with this request: `name`, or its chunks `name.0`, … */
export function sentCookies(request: Request, name: string): { bytes: number; count: number } {
  let bytes = 0
  let count = 0
  for (const pair of (request.headers.get('cookie') ?? '').split(/;\s*/)) {
    const eq = pair.indexOf('=')
    const cookieName = pair.slice(0, eq)
    const chunk =
      cookieName.startsWith(`${name}.`) && /^\d$/.test(cookieName.slice(name.length + 1))
    if (eq > 0 && eq + 1 < pair.length && (cookieName === name || chunk)) {
      bytes += pair.length
      count++
    }
  }
  return { bytes, count }
}

export function describeAttributes(options: CookieOptions): string {
  const sameSite = (options.sameSite ?? 'lax').toLowerCase()
  const parts = [
    options.httpOnly === false ? '' : 'HttpOnly',
    options.secure === false ? '' : 'Secure',
    `SameSite=${sameSite[0]!.toUpperCase()}${sameSite.slice(1)}`,
    options.maxAge === null
      ? 'kept until the browser closes'
      : options.maxAge === undefined
        ? 'Max-Age from the codec'
        : `Max-Age=${options.maxAge}`,
    (options.maxChunks ?? 1) > 1 ? `up to ${options.maxChunks} chunks` : '',
  ]
  return parts
    .filter(Boolean)
    .map((part) => `<span class="attr">${part}</span>`)
    .join(' ')
}
