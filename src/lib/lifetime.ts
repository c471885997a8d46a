/** @module The lifetime engine: one deadline rule, in seconds, for every codec and store. Internal. */
import { DecodeError } from '../errors.ts'
import { clockOption, secondsOption, toleranceOption } from './options.ts'

export interface LifetimeOptions {
  /**
   * Absolute lifetime in whole seconds from the session's start; `null` for none. Default 14 days,
   * as in Starlette.
   */
  maxAge?: number | null
  /** Inactivity limit in whole seconds; the token is re-issued at most once per half window. */
  idleTimeout?: number
  /**
   * Seconds a time that lies in the future (a token's issue time, a session's start, `nbf`) may be
   * ahead of this server's clock, to absorb ordinary skew between servers. Default 5. Deadlines are
   * exact: a token is refused at exactly its expiry.
   */
  clockTolerance?: number
  /** The clock, in milliseconds like `Date.now`. */
  now?: () => number
}

/** Default absolute lifetime: 14 days, as in Starlette. */
export const DEFAULT_MAX_AGE: number = 14 * 24 * 60 * 60
/** Default clock tolerance in seconds: more than ordinary NTP skew, far less than any lifetime. */
export const DEFAULT_CLOCK_TOLERANCE = 5

/**
 * The rule, after RFC 7519: a deadline is the first instant a token is no longer valid. A session
 * that started at `started` and was last issued at `issued` is valid while
 * `now < started + maxAge` and `now < issued + idleTimeout`, judged against the unrounded clock.
 * Times ahead of the clock by more than the tolerance are `future`.
 */
export interface Lifetime {
  readonly maxAge: number | null
  readonly idleTimeout: number | undefined
  readonly tolerance: number
  /** The current time in seconds, with its fraction. */
  now(): number
  /** The current time in whole seconds, for stamping a token. */
  stamp(): number
  /**
   * Throws `DecodeError` (`future`, `expired`, `idle`) for a session that is not valid now, with
   * `sessionMaxAge` the per-session lifetime it carries; returns whether it is due for renewal.
   */
  check(started: number, issued: number, sessionMaxAge?: number): boolean
  /** The absolute lifetime of one session: the configured one, or a shorter per-session one. */
  absolute(sessionMaxAge?: number): number | null
  /** Seconds a token issued now (`now` = `stamp()`) stays valid, or `undefined` for no limit. */
  remaining(started: number, now: number, sessionMaxAge?: number): number | undefined
}

export function lifetime(
  options: LifetimeOptions,
  owner: string,
  defaultMaxAge: number | null = DEFAULT_MAX_AGE,
): Lifetime {
  const configured = secondsOption(owner, 'maxAge', options.maxAge, true)
  const maxAge = configured === undefined ? defaultMaxAge : configured
  const idle = secondsOption(owner, 'idleTimeout', options.idleTimeout) ?? undefined
  const tolerance = toleranceOption(owner, options.clockTolerance, DEFAULT_CLOCK_TOLERANCE)
  const clock = clockOption(owner, options.now)
  const absolute = (session?: number) =>
    session === undefined ? maxAge : maxAge === null ? session : Math.min(maxAge, session)

  return {
    maxAge,
    idleTimeout: idle,
    tolerance,
    now: () => clock() / 1000,
    stamp: () => Math.floor(clock() / 1000),
    absolute,
    check(started, issued, sessionMaxAge) {
      const now = clock() / 1000
      if (issued > now + tolerance || started > issued) throw new DecodeError('future')
      const max = absolute(sessionMaxAge)
      if (max !== null && now >= started + max) throw new DecodeError('expired')
      if (idle !== undefined && now >= issued + idle) throw new DecodeError('idle')
      return idle !== undefined && (now - issued) * 2 >= idle
    },
    remaining(started, now, sessionMaxAge) {
      const max = absolute(sessionMaxAge)
      const left = max === null ? undefined : started + max - now
      if (idle === undefined) return left
      return left === undefined ? idle : Math.min(left, idle)
    },
  }
}

/** A per-session lifetime as a token carries it: whole seconds, at least 1, or absent. */
export function isSessionMaxAge(value: unknown): value is number | undefined {
  return value === undefined || (Number.isSafeInteger(value) && (value as number) >= 1)
}
