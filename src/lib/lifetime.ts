/** @module Absolute and idle lifetimes of a self-contained token, in whole seconds. Internal. */
import { DecodeError, SessionError } from '../errors.ts'

export interface LifetimeOptions {
  /** Absolute lifetime in seconds from the session's start; `null` for none. */
  maxAge?: number | null
  /** Inactivity limit in seconds; the token is re-issued at most once per half window. */
  idleTimeout?: number
  /** The clock, in milliseconds like `Date.now`. */
  now?: () => number
}

/** Default absolute lifetime: 14 days, as in Starlette. */
export const DEFAULT_MAX_AGE: number = 14 * 24 * 60 * 60

export interface Lifetime {
  /** The current time in whole seconds. */
  now(): number
  /**
   * Checks a token's start (`created`) and last issue (`issued`) times, in seconds; throws
   * `DecodeError` when the token is expired or from the future. Returns whether it is due for renewal.
   */
  check(created: number, issued: number): boolean
  /** Seconds a token issued now for a session started at `created` stays valid, or `undefined`. */
  remaining(created: number, now: number): number | undefined
}

export function lifetime(options: LifetimeOptions, owner: string): Lifetime {
  const maxAge = options.maxAge === undefined ? DEFAULT_MAX_AGE : options.maxAge
  const idle = options.idleTimeout
  if (maxAge !== null) checkDuration(maxAge, `${owner} maxAge`)
  if (idle !== undefined) checkDuration(idle, `${owner} idleTimeout`)
  if (options.now !== undefined && typeof options.now !== 'function') {
    throw new SessionError(
      'ERR_SESSION_CONFIG',
      `${owner} now must be a function returning milliseconds`,
    )
  }
  const clock = options.now ?? Date.now
  return {
    now: () => Math.floor(clock() / 1000),
    check(created, issued) {
      const now = Math.floor(clock() / 1000)
      if (issued > now || created > issued) throw new DecodeError('future')
      if (maxAge !== null && now - created > maxAge) throw new DecodeError('expired')
      if (idle !== undefined && now - issued > idle) throw new DecodeError('idle')
      return idle !== undefined && (now - issued) * 2 >= idle
    },
    remaining(created, now) {
      const absolute = maxAge === null ? undefined : created + maxAge - now
      if (idle === undefined) return absolute
      return absolute === undefined ? idle : Math.min(absolute, idle)
    },
  }
}

function checkDuration(value: unknown, what: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new SessionError('ERR_SESSION_CONFIG', `${what} must be a positive number of seconds`)
  }
}
