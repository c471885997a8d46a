/** The conformance suite on Deno's portable paths: `deno test tests/runners/deno-portable.test.ts`. */
import { runnableCases } from '../harness.ts'
import './portable.ts'
import '../suite/index.ts'

declare const Deno: { test(name: string, fn: () => void | Promise<void>): void }

for (const { name, fn } of runnableCases('deno-portable')) Deno.test(name, fn)
