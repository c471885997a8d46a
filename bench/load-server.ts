/**
 * One server of the load run on 127.0.0.1 and a free port, on the runtime that runs this file:
 * `node --import tsx bench/load-server.ts <variant>` (@hono/node-server), `bun bench/load-server.ts
 * <variant>` (Bun.serve), `deno run -A bench/load-server.ts <variant>` (Deno.serve). Prints
 * `LISTENING <port>`; SIGTERM stops it. Variants: bench/load-apps.ts, and on Node `store-redis` and `read-redis-snapshot`,
 * which starts its own redis-server on a free port and stops it too.
 */
import { type Handler, loadApp } from './load-apps.ts'

interface Runtimes {
  Bun?: { serve(options: object): { port: number; stop(): void } }
  Deno?: {
    args: string[]
    serve(options: object, handler: (request: Request) => Promise<Response>): unknown
  }
}

const { Bun, Deno } = globalThis as Runtimes
const variant = Deno ? Deno.args[0] : process.argv[2]
let stopRedis = async () => {}
const REDIS = ['store-redis', 'read-redis-snapshot']
const app = REDIS.includes(variant ?? '')
  ? await redisPage(variant === 'read-redis-snapshot')
  : await loadApp(variant)

/** The demo over storeCodec + redisStore, with the client options the README recommends. */
/** With `read`, the read-heavy page (bench/load-read.ts) with `snapshot` instead. */
async function redisPage(read = false): Promise<Handler> {
  const [{ createClient }, { redisStore, storeCodec }, { demoApp }, { startRedis }, { SECRET }] =
    await Promise.all([
      import('redis'),
      import('../src/index.ts'),
      import('../examples/demo/app.ts'),
      import('../tests/fixtures/redis-server.ts'),
      import('./floors.ts'),
    ])
  const redis = await startRedis()
  stopRedis = () => redis.stop()
  const client = createClient({ url: redis.url, disableOfflineQueue: true })
  client.on('error', () => {})
  await client.connect()
  if (read) {
    const { readHeavyPage, readStoreCodec } = await import('./load-read.ts')
    return readHeavyPage(readStoreCodec(redisStore(client), true))
  }
  const codec = storeCodec({
    store: redisStore(client),
    secrets: SECRET,
    idleTimeout: 3600,
    cache: false,
  })
  return demoApp({ secret: SECRET, codec })
}

if (Bun) {
  const server = Bun.serve({
    fetch: (request: Request) => app(request),
    hostname: '127.0.0.1',
    port: 0,
  })
  console.log(`LISTENING ${server.port}`)
} else if (Deno) {
  Deno.serve(
    {
      hostname: '127.0.0.1',
      port: 0,
      onListen: ({ port }: { port: number }) => console.log(`LISTENING ${port}`),
    },
    (request: Request) => app(request),
  )
} else {
  const { serve } = await import('@hono/node-server')
  const server = serve({ fetch: app, hostname: '127.0.0.1', port: 0 }, (info) => {
    console.log(`LISTENING ${info.port}`)
  })
  process.on('SIGTERM', () => server.close(() => stopRedis().then(() => process.exit(0))))
}
