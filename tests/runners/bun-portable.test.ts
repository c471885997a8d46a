/** The conformance suite on Bun's portable paths: `bun test tests/runners/bun-portable.test.ts`. */
import { test } from 'bun:test'
import { runnableCases } from '../harness.ts'
import './portable.ts'
import '../suite/index.ts'

for (const { name, fn } of runnableCases('bun-portable')) test(name, fn)
