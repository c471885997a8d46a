/**
 * One server of the load run on workerd (Miniflare), 127.0.0.1 and a free port:
 * `node --import tsx bench/load-server-workerd.ts <variant>`. Prints `LISTENING <port>`.
 */
import { Miniflare } from 'miniflare'
import { bundleWorker, COMPATIBILITY_DATE } from '../tests/runners/worker-bundle.ts'

process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false'
const variant = process.argv[2] ?? ''
const entry = new URL('./load-worker.ts', import.meta.url).pathname
const mf = new Miniflare({
  modules: [{ type: 'ESModule', path: 'worker.mjs', contents: await bundleWorker(entry) }],
  compatibilityDate: COMPATIBILITY_DATE,
  bindings: { VARIANT: variant },
  host: '127.0.0.1',
  port: 0,
})
console.log(`LISTENING ${(await mf.ready).port}`)
process.on('SIGTERM', () => mf.dispose().then(() => process.exit(0)))
