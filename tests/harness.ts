/**
 * The conformance suite registers its cases here; one tiny runner per runtime hands them to that
 * runtime's test API. Suite files use Web APIs and `node:assert/strict` only.
 */
export type TestFn = () => void | Promise<void>

export interface TestCase {
  name: string
  fn: TestFn
}

export const cases: TestCase[] = []

/** Returns a `test(name, fn)` whose names start with `group`. */
export function suite(group: string): (name: string, fn: TestFn) => void {
  return (name, fn) => {
    cases.push({ name: `${group}: ${name}`, fn })
  }
}
