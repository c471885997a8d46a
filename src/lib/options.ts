/** @module One options checker: every construction-time check and its message. Internal. */
import { SessionError } from '../errors.ts'

/** The longest lifetime any option takes: RFC 6265bis caps a cookie's Max-Age at 400 days. */
export const MAX_LIFETIME: number = 400 * 24 * 60 * 60

/** Throws `ERR_SESSION_CONFIG` with a message that starts with the factory's name. */
export function configError(owner: string, message: string): never {
  throw new SessionError('ERR_SESSION_CONFIG', `${owner}: ${message}`)
}

/** JSON's idea of an object: not null, not an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The options object itself; `undefined` counts as `{}` when every option is optional. */
export function optionsObject<T extends object>(owner: string, options: T | undefined): T {
  if (options === undefined) return {} as T
  if (!isPlainObject(options)) configError(owner, 'options must be an object')
  return options
}

/**
 * A lifetime option: a whole number of seconds from `min` (1 unless the other side of an interop
 * codec takes 0) to 400 days, `undefined`, or, where `nullable`, `null` for "no limit".
 */
export function secondsOption(
  owner: string,
  name: string,
  value: unknown,
  nullable = false,
  min = 1,
): number | null | undefined {
  if (value === undefined || (nullable && value === null)) return value
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > MAX_LIFETIME) {
    configError(
      owner,
      `${name} must be a whole number of seconds from ${min} to ${MAX_LIFETIME} (400 days)` +
        (nullable ? ', or null' : ''),
    )
  }
  return value as number
}

/** The clock: a function returning milliseconds like `Date.now`. */
export function clockOption(owner: string, value: unknown): () => number {
  if (value === undefined) return Date.now
  if (typeof value !== 'function')
    configError(owner, 'now must be a function returning milliseconds')
  return value as () => number
}

/** A clock tolerance: finite seconds from 0 to one hour. */
export function toleranceOption(owner: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !(value >= 0 && value <= 3600)) {
    configError(owner, 'clockTolerance must be a number of seconds from 0 to 3600')
  }
  return value
}
