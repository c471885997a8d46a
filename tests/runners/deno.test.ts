/** Runs the conformance suite on Deno: `deno test tests/runners/deno.test.ts`. */
import { cases } from '../harness.ts'
import '../suite/index.ts'

declare const Deno: { test(name: string, fn: () => void | Promise<void>): void }

for (const { name, fn } of cases) Deno.test(name, fn)
