/**
 * @module The few assertions the store conformance suite makes, on Web APIs only: the suite runs
 * where `node:assert` does not (workerd without nodejs_compat, browsers). Internal.
 */

/** The error a failed assertion throws; every runner reports it as the test's failure. */
export class AssertionError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'AssertionError'
  }
}

function show(value: unknown): string {
  if (value === undefined) return 'undefined'
  if (typeof value === 'string') return JSON.stringify(value)
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

function failWith(message: string, detail?: string): never {
  throw new AssertionError(detail === undefined ? message : `${message}: ${detail}`)
}

/** Deep equality of JSON-like values: primitives by `Object.is`, arrays and plain objects by content. */
function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false
  const keys = Object.keys(a)
  if (keys.length !== Object.keys(b).length) return false
  return keys.every(
    (key) =>
      Object.hasOwn(b, key) &&
      same((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  )
}

export function ok(value: unknown, message = 'expected a truthy value'): asserts value {
  if (!value) failWith(message)
}

export function equal<T>(actual: unknown, expected: T, message = 'not equal'): asserts actual is T {
  if (!Object.is(actual, expected)) failWith(message, `${show(actual)} !== ${show(expected)}`)
}

export function notEqual(actual: unknown, expected: unknown, message = 'equal'): void {
  if (Object.is(actual, expected)) failWith(message, `both ${show(actual)}`)
}

export function deepEqual(actual: unknown, expected: unknown, message = 'not deep-equal'): void {
  if (!same(actual, expected)) failWith(message, `${show(actual)} is not ${show(expected)}`)
}

export function match(actual: string, pattern: RegExp, message = 'no match'): void {
  if (!pattern.test(actual)) failWith(message, `${show(actual)} does not match ${pattern}`)
}

export function doesNotMatch(actual: string, pattern: RegExp, message = 'matched'): void {
  if (pattern.test(actual)) failWith(message, `${show(actual)} matches ${pattern}`)
}

/** Resolves when `promise` rejects (and `check`, given the error, does not throw). */
export async function rejects(
  promise: Promise<unknown>,
  check?: (error: unknown) => void,
): Promise<void> {
  try {
    await promise
  } catch (error) {
    check?.(error)
    return
  }
  failWith('expected a rejection')
}

/** Returns when `run` throws an error whose message matches `pattern`. */
export function throws(run: () => unknown, pattern: RegExp): void {
  try {
    run()
  } catch (error) {
    match(String((error as Error)?.message), pattern)
    return
  }
  failWith('expected an error', String(pattern))
}

export function fail(message: string): never {
  return failWith(message)
}
