/**
 * @module The lifetime engine: one judgement of a token's times, in seconds, for every codec and
 * store. The boundary rule and the tolerances are parameters, not copies. Internal.
 */
import { DecodeError } from '../errors.ts'
import { clockRule, type OptionRule, secondsRule, toleranceRule } from './options.ts'

export interface LifetimeOptions {
  /**
   * Absolute lifetime in whole seconds from the session's start; `null` for none. Default 14 days,
   * as in Starlette.
   */
  maxAge?: number | null
  /** Inactivity limit in whole seconds; the token is re-issued at most once per half window. */
  idleTimeout?: number
  /**
   * Seconds a time that lies in the future (a token's issue time, a session's start) may be
   * ahead of this server's clock, to absorb ordinary skew between servers. Default 5. Deadlines are
   * exact: a token is refused at exactly its expiry.
   */
  clockTolerance?: number
  /** The clock, in milliseconds like `Date.now`. */
  now?: () => number
}

/**
 * How a codec's times are judged. `deadline` is RFC 7519's rule (a deadline is the first instant a
 * token is no longer valid); `age` is itsdangerous' and Django's (`age > max_age` is refused, so a
 * token exactly `maxAge` old is still valid).
 */
export interface LifetimeRule {
  boundary?: 'deadline' | 'age'
  /** The clock in whole seconds, as itsdangerous' `int(time.time())`. Default false. */
  wholeSeconds?: boolean
  /** Seconds the codec's own times (issue, start) may lie ahead of the clock. */
  skew?: number
  /**
   * jose's `clockTolerance`, PyJWT's `leeway`: extends every deadline and forgives `nbf` and a
   * foreign issue time. Default 0.
   */
  leeway?: number
  /** The absolute lifetime when the options give none; default 14 days. */
  defaultMaxAge?: number | null
}

/** A token's times in seconds since the epoch, as the codec read them; all optional. */
export interface TokenTimes {
  /** When the session began. The absolute lifetime counts from it (from `issued` without it). */
  started?: number
  /** When this token was issued; the idle window counts from it. */
  issued?: number
  /** A deadline the token itself carries (a JWT's `exp`). */
  expires?: number
  /** Not valid before (a JWT's `nbf`). */
  notBefore?: number
  /** The session's own lifetime in seconds (`session.setMaxAge`), within the codec's maximum. */
  maxAge?: number
  /** The issue time was written by another issuer: judged with `leeway`, not `skew`. */
  foreign?: boolean
  /** Renew a token this many seconds old (Starlette re-signs on every response). */
  renewAfter?: number
}

/** Default absolute lifetime: 14 days, as in Starlette. */
export const DEFAULT_MAX_AGE: number = 14 * 24 * 60 * 60
/** Default skew for a codec's own times: more than ordinary NTP skew, far less than any lifetime. */
export const DEFAULT_CLOCK_TOLERANCE = 5

/** The lifetime options as checked: each valid, the clock and the tolerance defaulted. */
export interface CheckedLifetime {
  maxAge: number | null | undefined
  idleTimeout: number | undefined
  clockTolerance: number
  now: () => number
}

/** The rules of the lifetime options, for a factory's schema (`...LIFETIME_OPTIONS`). */
export type LifetimeSchema = {
  readonly [K in keyof CheckedLifetime]: OptionRule<CheckedLifetime[K]>
}

/**
 * The lifetime options' rules. Under the `age` boundary (itsdangerous, Django) `maxAge` may be 0,
 * as the other side of the codec takes it.
 */
export function lifetimeOptions(boundary: LifetimeRule['boundary'] = 'deadline'): LifetimeSchema {
  return {
    maxAge: secondsRule({ nullable: true, min: boundary === 'age' ? 0 : 1 }),
    idleTimeout: secondsRule() as OptionRule<number | undefined>,
    clockTolerance: toleranceRule(DEFAULT_CLOCK_TOLERANCE),
    now: clockRule,
  }
}

/** The lifetime options' rules under RFC 7519's deadline rule. */
export const LIFETIME_OPTIONS: LifetimeSchema = lifetimeOptions()

export interface Lifetime {
  readonly maxAge: number | null
  readonly idleTimeout: number | undefined
  /** The current time in seconds, with its fraction. */
  now(): number
  /** The current time in whole seconds, for stamping a token. */
  stamp(): number
  /**
   * Throws `DecodeError` (`future`, `expired`, `idle`) for times that are not valid now; returns
   * whether the token is due for renewal.
   */
  judge(times: TokenTimes): boolean
  /** `judge` for a session started at `started`, last issued at `issued`. */
  check(started: number, issued: number, sessionMaxAge?: number): boolean
  /** The absolute lifetime of one session: the configured one, or a shorter per-session one. */
  absolute(sessionMaxAge?: number): number | null
  /**
   * Seconds a token issued at `now` stays valid (bounded by a deadline `expires` it carries), or
   * `undefined` for no limit.
   */
  remaining(
    started: number,
    now: number,
    sessionMaxAge?: number,
    expires?: number,
  ): number | undefined
}

/** The engine for options checked by a schema with `LIFETIME_OPTIONS` (or `lifetimeOptions`). */
export function lifetime(options: CheckedLifetime, rule: LifetimeRule = {}): Lifetime {
  const maxAge =
    options.maxAge === undefined ? (rule.defaultMaxAge ?? DEFAULT_MAX_AGE) : options.maxAge
  const idle = options.idleTimeout ?? undefined
  const skew = rule.skew ?? options.clockTolerance
  const leeway = rule.leeway ?? 0
  const clock = options.now
  const age = rule.boundary === 'age'
  const absolute = (session?: number) =>
    session === undefined ? maxAge : maxAge === null ? session : Math.min(maxAge, session)
  const seconds = rule.wholeSeconds ? () => Math.floor(clock() / 1000) : () => clock() / 1000
  /** Past `deadline` (a start plus a lifetime) by the rule, leeway included. */
  const past = (now: number, from: number, span: number) =>
    age ? now - from > span + leeway : now >= from + span + leeway

  function judge(times: TokenTimes): boolean {
    const { started, issued, expires, notBefore, renewAfter } = times
    const now = seconds()
    const ahead = times.foreign ? leeway : Math.max(skew, leeway)
    if (issued !== undefined && issued > now + ahead) throw new DecodeError('future')
    if (started !== undefined && issued !== undefined && started > issued) {
      throw new DecodeError('future')
    }
    if (notBefore !== undefined && notBefore > now + leeway) throw new DecodeError('future')
    const from = started ?? issued
    const max = absolute(times.maxAge)
    if (max !== null && from !== undefined && past(now, from, max)) throw new DecodeError('expired')
    if (idle !== undefined && issued !== undefined && past(now, issued, idle)) {
      throw new DecodeError('idle')
    }
    if (expires !== undefined && now >= expires + leeway) throw new DecodeError('expired')
    if (issued === undefined) return false
    return (
      (idle !== undefined && (now - issued) * 2 >= idle) ||
      (renewAfter !== undefined && now - issued >= renewAfter)
    )
  }

  return {
    maxAge,
    idleTimeout: idle,
    now: () => clock() / 1000,
    stamp: () => Math.floor(clock() / 1000),
    absolute,
    judge,
    check: (started, issued, sessionMaxAge) => judge({ started, issued, maxAge: sessionMaxAge }),
    remaining(started, now, sessionMaxAge, expires) {
      const max = absolute(sessionMaxAge)
      let left = max === null ? undefined : started + max - now
      if (idle !== undefined) left = left === undefined ? idle : Math.min(left, idle)
      if (expires !== undefined)
        left = left === undefined ? expires - now : Math.min(left, expires - now)
      return left
    },
  }
}

/** A per-session lifetime as a token carries it: whole seconds, at least 1, or absent. */
export function isSessionMaxAge(value: unknown): value is number | undefined {
  return value === undefined || (Number.isSafeInteger(value) && (value as number) >= 1)
}
