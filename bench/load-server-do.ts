/**
 * The Durable Object target of the load run: the demo app with storeCodec + durableObjectStore,
 * bundled and served by workerd (Miniflare) on 127.0.0.1 and a free port:
 * `node --import tsx bench/load-server-do.ts`. Prints `LISTENING <port>`; SIGTERM stops it.
 */
import { Miniflare } from 'miniflare'
import { bundleWorker, COMPATIBILITY_DATE } from '../tests/runners/worker-bundle.ts'

process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false'

const contents = await bundleWorker(new URL('./worker-demo.ts', import.meta.url).pathname)
const mf = new Miniflare({
  modules: [{ type: 'ESModule', path: 'worker.mjs', contents }],
  compatibilityDate: COMPATIBILITY_DATE,
  durableObjects: { SESSIONS: 'SessionObject' },
  host: '127.0.0.1',
  port: 0,
})
const url = await mf.ready
console.log(`LISTENING ${url.port}`)
process.on('SIGTERM', () => {
  mf.dispose().then(() => process.exit(0))
})
