/** Runs the conformance suite on Bun: `bun test tests/runners/bun.test.ts`. */
import { test } from 'bun:test'
import { runnableCases } from '../harness.ts'
import '../suite/index.ts'

for (const { name, fn } of runnableCases('bun')) test(name, fn)
