/** @module The options every Python-compatible codec (Starlette, Flask, Django) shares. Internal. */
import { secretsRule } from '../lib/keys.ts'
import { booleanRule, clockRule, type OptionRule, toleranceRule } from '../lib/options.ts'

/** The options every Python-compatible codec takes for time. */
export interface ClockOptions {
  /**
   * Seconds a timestamp may lie in the future and still be accepted (clock skew between servers).
   * Default 0: the framework's own rule, which refuses a timestamp ahead of its clock.
   */
  clockTolerance?: number
  /** The clock, in milliseconds like `Date.now`. */
  now?: () => number
}

/**
 * The rules of the options every Python-compatible codec takes: the framework's secret key, as is
 * (interop outranks our minimum: any non-empty secret the Python service already uses), no clock
 * tolerance by default, the clock, and `webCrypto`.
 */
export const PYTHON_OPTIONS: {
  secretKey: OptionRule<string[]>
  clockTolerance: OptionRule<number>
  now: OptionRule<() => number>
  webCrypto: OptionRule<boolean>
} = {
  secretKey: secretsRule(1),
  clockTolerance: toleranceRule(0),
  now: clockRule,
  webCrypto: booleanRule(false),
}
