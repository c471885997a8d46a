/** Runs the conformance suite on Bun: `bun test tests/runners/bun.test.ts`. */
import { test } from 'bun:test'
import { cases } from '../harness.ts'
import '../suite/index.ts'

for (const { name, fn } of cases) test(name, fn)
