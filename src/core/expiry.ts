/** @module Visible expiry: the session's deadline in a response header a page's script can read. Internal. */
import type { OptionRule } from '../lib/options.ts'

/** The header `expiryHeader: true` writes. */
export const EXPIRY_HEADER = 'Session-Expires-At'

/** `expiryHeader`: `true` for `Session-Expires-At`, a header name, or absent (`false`) for none. */
export const expiryHeaderRule: OptionRule<string | undefined> = (value, fail) => {
  if (value === undefined || value === false) return undefined
  if (value === true) return EXPIRY_HEADER
  if (typeof value !== 'string' || !isHeaderName(value)) {
    fail('must be true, false or an HTTP header name')
  }
  return value as string
}

/**
 * Writes the deadline (`expires`, seconds since the epoch) as milliseconds since the epoch, what
 * `new Date(Number(value))` reads; `undefined`: no header.
 */
export function writeExpiry(headers: Headers, name: string, expires: number | undefined): void {
  if (expires !== undefined) headers.set(name, String(Math.floor(expires) * 1000))
}

function isHeaderName(name: string): boolean {
  try {
    new Headers().set(name, '')
    return name !== ''
  } catch {
    return false
  }
}
