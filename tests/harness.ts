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

/** The one summary line every runner prints: `<runtime>: N passed, M failed`. */
export function summaryLine(runtime: string, passed: number, failed: number): string {
  return `${runtime}: ${passed} passed, ${failed} failed`
}

/** Reads a runner's summary line back from its output; the one parser of the one format. */
export function readSummary(
  output: string,
  runtime: string,
): { passed: number; failed: number } | undefined {
  const lines = output.split(/\r?\n/).map((line) => line.replace(/\x1b\[[0-9;]*m/g, '').trim())
  const prefix = `${runtime}: `
  for (const line of lines.reverse()) {
    const match = /^(\d+) passed, (\d+) failed$/.exec(line.slice(prefix.length))
    if (line.startsWith(prefix) && match)
      return { passed: Number(match[1]), failed: Number(match[2]) }
  }
  return undefined
}

/**
 * The cases as a runner hands them on: each counts its outcome, and the last one to finish prints
 * the summary line, so no runner needs an after-all hook its runtime may not have.
 */
export function runnableCases(runtime: string, print = console.log): TestCase[] {
  let passed = 0
  let failed = 0
  const settled = () => {
    if (passed + failed === cases.length) print(summaryLine(runtime, passed, failed))
  }
  return cases.map(({ name, fn }) => ({
    name,
    async fn() {
      try {
        await fn()
      } catch (error) {
        failed++
        settled()
        throw error
      }
      passed++
      settled()
    },
  }))
}
