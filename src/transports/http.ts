/** @module Small HTTP grammar checks shared by the header transports. Internal. */
import { type OptionRule, optional } from '../lib/options.ts'

/** An RFC 9110 token: header names, auth schemes. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** A header-name option, `fallback` when absent. */
export function headerNameRule(fallback: string): OptionRule<string> {
  return optional((value, fail) => {
    if (!isToken(value)) fail('must be an HTTP header name')
    return value as string
  }, fallback)
}

export function isToken(text: unknown): text is string {
  return typeof text === 'string' && TOKEN.test(text)
}
