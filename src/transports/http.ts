/** @module Small HTTP grammar checks shared by the header transports. Internal. */
import { configError } from '../lib/options.ts'

/** An RFC 9110 token: header names, auth schemes. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** Checks a header-name option once, at construction. */
export function checkHeaderName(header: unknown, owner: string): string {
  if (typeof header !== 'string' || !TOKEN.test(header)) {
    configError(owner, 'header must be an HTTP header name')
  }
  return header
}

export function isToken(text: unknown): text is string {
  return typeof text === 'string' && TOKEN.test(text)
}
