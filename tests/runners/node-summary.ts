/**
 * A `node --test` reporter that prints the one summary line (`node22: N passed, M failed`) for
 * every test of the run; failures are left to a second reporter (spec, on stderr).
 */
import { summaryLine } from '../harness.ts'

interface TestEvent {
  type: string
  data: { details?: { type?: string }; skip?: unknown; todo?: unknown }
}

export default async function* summary(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  let passed = 0
  let failed = 0
  for await (const { type, data } of source) {
    if (data.details?.type === 'suite') continue
    if (type === 'test:pass' && data.skip === undefined && data.todo === undefined) passed++
    if (type === 'test:fail') failed++
  }
  yield `${summaryLine(`node${process.versions.node.split('.')[0]}`, passed, failed)}\n`
}
