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

/**
 * The options object itself; `undefined` counts as `{}` when every option is optional. With
 * `known` (every option's name, as a record so the compiler sees a forgotten one), a key it does
 * not list is refused, naming the nearest known key when the user probably meant it.
 */
export function optionsObject<T extends object>(
  owner: string,
  options: T | undefined,
  known?: { readonly [K in keyof Required<T>]: unknown },
): T {
  if (options === undefined) return {} as T
  if (!isPlainObject(options)) configError(owner, 'options must be an object')
  if (known !== undefined) {
    const names = Object.keys(known)
    for (const key of Object.keys(options)) {
      if (Object.hasOwn(known, key)) continue
      const near = nearest(key, names)
      configError(
        owner,
        `unknown option ${key}` +
          (near === undefined ? ` (known: ${names.join(', ')})` : `; did you mean ${near}?`),
      )
    }
  }
  return options
}

/**
 * One option's rule: takes the value as written (`undefined` when absent) and returns it checked
 * and defaulted. `fail` throws `ERR_SESSION_CONFIG` with the owner and the option's name in front.
 */
export type OptionRule<T> = (value: unknown, fail: (message: string) => never) => T

/** A factory's options, declared once: every option's name and its rule. */
export type OptionsSchema = { readonly [name: string]: OptionRule<unknown> }

/** What `checkOptions` returns for a schema: each option checked and defaulted. */
export type CheckedOptions<S extends OptionsSchema> = { -readonly [K in keyof S]: ReturnType<S[K]> }

/**
 * Checks a factory's options against its schema: an object (or `undefined` for `{}`), no unknown
 * key (naming the nearest known one), and each option by its rule. Messages read
 * `<owner>: <option> <problem>`, so the owner is named here once, not in every check.
 *
 * @example
 * const checked = checkOptions('headerStorage', options, { header: headerName('x-session-token') })
 */
export function checkOptions<S extends OptionsSchema>(
  owner: string,
  options: unknown,
  schema: S,
): CheckedOptions<S> {
  const given = optionsObject(owner, options as Record<string, unknown> | undefined, schema)
  const checked: Record<string, unknown> = {}
  for (const name of Object.keys(schema)) {
    // A message about one item of the option (`[0] must be …`) joins its name without a space.
    checked[name] = schema[name]!(given[name], (message) =>
      configError(owner, `${name}${/^[[.]/.test(message) ? '' : ' '}${message}`),
    )
  }
  return checked as CheckedOptions<S>
}

/** A rule that takes `undefined` as `fallback` and checks anything else with `rule`. */
export function optional<T, F = undefined>(rule: OptionRule<T>, fallback?: F): OptionRule<T | F> {
  return (value, fail) => (value === undefined ? (fallback as F) : rule(value, fail))
}

/** A boolean option. */
export function booleanRule(fallback: boolean): OptionRule<boolean> {
  return optional((value, fail) => {
    if (typeof value !== 'boolean') fail('must be a boolean')
    return value as boolean
  }, fallback)
}

/** A whole number from `min` to `max`. */
export function integerRule(min: number, max: number, fallback: number): OptionRule<number> {
  return optional((value, fail) => {
    if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
      fail(`must be a whole number from ${min} to ${max}`)
    }
    return value as number
  }, fallback)
}

/** A whole number from 1 up, `fallback` when absent. */
export function countRule(fallback: number): OptionRule<number> {
  return optional((value, fail) => {
    if (!Number.isSafeInteger(value) || (value as number) < 1) fail('must be a positive integer')
    return value as number
  }, fallback)
}

/** A function option (a hook, a builder). */
export function functionRule<F extends (...args: never[]) => unknown>(): OptionRule<F | undefined> {
  return optional((value, fail) => {
    if (typeof value !== 'function') fail('must be a function')
    return value as F
  })
}

/** The known name a typo most likely meant: same letters in another case, or two edits away. */
export function nearest(key: string, names: readonly string[]): string | undefined {
  const lower = key.toLowerCase()
  let best: string | undefined
  let bestDistance = Math.min(2, Math.floor(key.length / 3))
  for (const name of names) {
    if (name.toLowerCase() === lower) return name
    const distance = editDistance(lower, name.toLowerCase())
    if (distance <= bestDistance) {
      best = name
      bestDistance = distance - 1
    }
  }
  return best
}

/** Levenshtein distance, with a swap of two neighbours counted as one edit. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [
    i,
    ...Array<number>(b.length).fill(0),
  ])
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i]!
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      row[j] = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j]!, rows[i - 2]![j - 2]! + 1)
      }
    }
  }
  return rows[a.length]![b.length]!
}

/**
 * A lifetime option: a whole number of seconds from `min` (1 unless the other side of an interop
 * codec takes 0) to 400 days, `undefined`, or, where `nullable`, `null` for "no limit".
 */
export function secondsRule(
  options: { nullable?: boolean; min?: number } = {},
): OptionRule<number | null | undefined> {
  const { nullable = false, min = 1 } = options
  return (value, fail) => {
    if (value === undefined || (nullable && value === null)) return value
    if (
      !Number.isSafeInteger(value) ||
      (value as number) < min ||
      (value as number) > MAX_LIFETIME
    ) {
      fail(
        `must be a whole number of seconds from ${min} to ${MAX_LIFETIME} (400 days)` +
          (nullable ? ', or null' : '') +
          // Too long in seconds yet a valid lifetime in milliseconds: say so.
          (Number.isSafeInteger(value) &&
          (value as number) % 1000 === 0 &&
          (value as number) / 1000 <= MAX_LIFETIME
            ? `; did you mean ${(value as number) / 1000} seconds?`
            : ''),
      )
    }
    if (looksLikeMilliseconds(value)) {
      fail(
        `is ${value} seconds (${Math.round((value as number) / 86400)} days), which looks ` +
          `like milliseconds: lifetimes are in seconds; did you mean ${(value as number) / 1000}?`,
      )
    }
    return value as number
  }
}

/**
 * A duration someone wrote in milliseconds: at least 1,000,000, whole minutes once divided by 1000,
 * yet not whole days in seconds (`3_600_000`, an hour in ms, is 41.7 days; `34_560_000` is 400 days).
 */
function looksLikeMilliseconds(value: unknown): boolean {
  return (
    typeof value === 'number' && value >= 1_000_000 && value % 60_000 === 0 && value % 86_400 !== 0
  )
}

/** The clock: a function returning milliseconds like `Date.now`, which it is by default. */
export const clockRule: OptionRule<() => number> = optional((value, fail) => {
  if (typeof value !== 'function') fail('must be a function returning milliseconds')
  return value as () => number
}, Date.now)

/** A clock tolerance: finite seconds from 0 to one hour, `fallback` when absent. */
export function toleranceRule(fallback: number): OptionRule<number> {
  return optional((value, fail) => {
    if (typeof value !== 'number' || !(value >= 0 && value <= 3600)) {
      fail('must be a number of seconds from 0 to 3600')
    }
    return value as number
  }, fallback)
}

/** A string option, `fallback` when absent. */
export function stringRule<F extends string | undefined>(fallback: F): OptionRule<string | F> {
  return optional((value, fail) => {
    if (typeof value !== 'string') fail('must be a string')
    return value as string
  }, fallback)
}

/** An option taken as written here, and checked later with the options it depends on. */
export function laterRule<T>(): OptionRule<T> {
  return (value) => value as T
}

/** A number of seconds, fractions allowed, from `min` to `max`; `fallback` when absent. */
export function secondsBetweenRule<F extends number | undefined>(
  min: number,
  max: number,
  fallback: F,
): OptionRule<number | F> {
  return optional((value, fail) => {
    if (typeof value !== 'number' || !(value >= min && value <= max)) {
      fail(`must be a number of seconds from ${min} to ${max}`)
    }
    return value as number
  }, fallback)
}
