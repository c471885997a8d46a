/**
 * Runs the conformance suite inside workerd: esbuild bundles it into one module worker
 * (`nodejs_compat` supplies node:assert), Miniflare runs it, each case in its own request.
 * `node --import tsx tests/runners/workerd.ts`; exits 1 when a case fails.
 */
import { Miniflare } from 'miniflare'
import { summaryLine } from '../harness.ts'
import { bundleWorker, COMPATIBILITY_DATE } from './worker-bundle.ts'

process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false'

const contents = await bundleWorker(new URL('./workerd-worker.ts', import.meta.url).pathname)

const mf = new Miniflare({
  modules: [{ type: 'ESModule', path: 'suite.mjs', contents }],
  compatibilityDate: COMPATIBILITY_DATE,
  compatibilityFlags: ['nodejs_compat'],
})

let passed = 0
let failed = 0
try {
  const names = (await (await mf.dispatchFetch('http://suite/cases')).json()) as string[]
  for (const [index, name] of names.entries()) {
    const response = await mf.dispatchFetch(`http://suite/run?case=${index}`)
    const result = (await response.json()) as { ok: boolean; error?: string; stack?: string }
    if (result.ok) {
      passed++
      console.log(`ok ${name}`)
    } else {
      failed++
      console.log(`not ok ${name}\n  ${result.error}\n${result.stack ?? ''}`)
    }
  }
} finally {
  await mf.dispose()
}
console.log(summaryLine('workerd', passed, failed))
process.exitCode = failed === 0 && passed > 0 ? 0 : 1
