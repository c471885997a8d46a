/** Runs the conformance suite on Deno: `deno test tests/runners/deno.test.ts`. */
import { runnableCases } from '../harness.ts'
import '../suite/index.ts'

declare const Deno: { test(name: string, fn: () => void | Promise<void>): void }

for (const { name, fn } of runnableCases('deno')) Deno.test(name, fn)
