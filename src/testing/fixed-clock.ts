/** @module fixedClock: a clock a test moves by hand, for codecs' and stores' `now` option. */
import { SessionError } from '../errors.ts'

/** A clock that stands still until the test moves it. */
export interface FixedClock {
  /** The time in milliseconds, like `Date.now`: pass it as a codec's or store's `now`. */
  readonly now: () => number
  /** Moves the clock forward by whole or fractional seconds (the unit of every lifetime). */
  advance(seconds: number): void
  /** Sets the clock to a time in milliseconds, or a `Date`. */
  set(time: number | Date): void
}

/**
 * A fixed clock, so lifetimes are tested without sleeping: build the codec with `now: clock.now`,
 * then `clock.advance(seconds)`.
 *
 * @example
 * const clock = fixedClock(Date.UTC(2026, 0, 1))
 * const backends = { codec: signedCodec({ secrets: SECRET, idleTimeout: 60, now: clock.now }), ...cookie() }
 * const request = await sessionRequest('http://localhost/', { user: 'ada' }, backends)
 * clock.advance(60) // the session is now idle
 */
export function fixedClock(start: number | Date = Date.now()): FixedClock {
  let time = 0
  const set = (value: number | Date): void => {
    const next = value instanceof Date ? value.getTime() : value
    if (!Number.isFinite(next)) {
      throw new SessionError(
        'ERR_SESSION_CONFIG',
        'fixedClock: the time must be finite milliseconds',
      )
    }
    time = next
  }
  set(start)
  return {
    now: () => time,
    advance(seconds: number): void {
      set(time + seconds * 1000)
    },
    set,
  }
}
