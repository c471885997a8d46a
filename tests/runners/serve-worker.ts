/**
 * Serves a Worker module on 127.0.0.1 with Miniflare, the way `wrangler dev` would:
 * `node --import tsx tests/runners/serve-worker.ts examples/workers.ts` (PORT, SESSION_SECRET from env).
 */
import { Miniflare } from 'miniflare'
import { bundleWorker, COMPATIBILITY_DATE } from './worker-bundle.ts'

process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false'
const entry = process.argv[2]
if (!entry) throw new Error('usage: serve-worker.ts <worker.ts>')

const mf = new Miniflare({
  modules: [{ type: 'ESModule', path: 'worker.mjs', contents: await bundleWorker(entry) }],
  compatibilityDate: COMPATIBILITY_DATE,
  bindings: {
    SESSION_SECRET: process.env.SESSION_SECRET ?? crypto.randomUUID() + crypto.randomUUID(),
  },
  host: '127.0.0.1',
  port: Number(process.env.PORT ?? 8787),
})
console.log(`Worker on ${(await mf.ready).origin}`)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => mf.dispose().then(() => process.exit(0)))
}
