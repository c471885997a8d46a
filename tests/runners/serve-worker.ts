/**
 * Serves a Worker module on 127.0.0.1 with Miniflare, the way `wrangler dev` would:
 * `node --import tsx tests/runners/serve-worker.ts examples/workers.ts` (PORT, SESSION_SECRET from env).
 */
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'

process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false'
const entry = process.argv[2]
if (!entry) throw new Error('usage: serve-worker.ts <worker.ts>')

const bundle = await build({
  entryPoints: [entry],
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'neutral',
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['module', 'main'],
  logLevel: 'error',
})
const mf = new Miniflare({
  modules: [{ type: 'ESModule', path: 'worker.mjs', contents: bundle.outputFiles[0]!.text }],
  compatibilityDate: '2025-09-01',
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
