/**
 * One server of the load run, on 127.0.0.1 and a free port: `node --import tsx
 * bench/load-server.ts <bare|hmac|hmac-copy|signed|store|store-redis>`. Prints `LISTENING <port>`;
 * SIGTERM stops it. `store-redis` starts its own redis-server on a free port and stops it too.
 */
import { serve } from '@hono/node-server'
import { createClient } from 'redis'
import { demoApp } from '../examples/demo/app.ts'
import { memoryStore, redisStore, storeCodec } from '../src/index.ts'
import { type RedisServer, startRedis } from '../tests/fixtures/redis-server.ts'
import { hmacCookie, SECRET } from './floors.ts'

const variant = process.argv[2]
const signed = demoApp({ secret: SECRET })

/**
 * The same page with no session: the HTML the demo renders for a visitor, with the visit count
 * filled in per request from a plain counter, behind the same route checks.
 */
async function barePage(): Promise<(request: Request) => Promise<Response>> {
  const first = await signed(new Request('http://127.0.0.1/'))
  const html = await first.text()
  let visits = 0
  return async (request) => {
    const url = new URL(request.url)
    if (request.method !== 'GET' || url.pathname !== '/') {
      return new Response('Not found', { status: 404 })
    }
    visits++
    return new Response(html.replace(/id="visits">\d+</, `id="visits">${visits}<`), {
      headers: { 'content-type': 'text/html; charset=utf-8' },
    })
  }
}

/**
 * The bare page behind the hand-written HMAC cookie: verify and sign on every visit. With `copy`,
 * the response is copied before its headers change, as withSession does (`new Response(body,
 * response)`), to show what that copy costs on this server.
 */
async function hmacPage(copy: boolean): Promise<(request: Request) => Promise<Response>> {
  const page = await barePage()
  const session = hmacCookie()
  return async (request) => {
    const data = await session.read(request)
    data.count = (data.count ?? 0) + 1
    let response = await page(request)
    if (copy) response = new Response(response.body, response)
    response.headers.append('set-cookie', await session.write(data))
    return response
  }
}

let redis: RedisServer | undefined

/** The demo over storeCodec + redisStore, with the client options the README recommends. */
async function redisPage(): Promise<(request: Request) => Promise<Response>> {
  redis = await startRedis()
  const client = createClient({ url: redis.url, disableOfflineQueue: true })
  client.on('error', () => {})
  await client.connect()
  const store = redisStore(client)
  return demoApp({
    secret: SECRET,
    codec: storeCodec({ store, secrets: SECRET, idleTimeout: 3600 }),
  })
}

const apps: Record<string, () => Promise<(request: Request) => Promise<Response>>> = {
  bare: barePage,
  hmac: () => hmacPage(false),
  'hmac-copy': () => hmacPage(true),
  signed: async () => signed,
  store: async () =>
    demoApp({
      secret: SECRET,
      codec: storeCodec({ store: memoryStore(), secrets: SECRET, idleTimeout: 3600 }),
    }),
  'store-redis': redisPage,
}
const app = apps[variant ?? '']
if (app === undefined) throw new Error(`usage: load-server.ts <${Object.keys(apps).join('|')}>`)

const server = serve({ fetch: await app(), hostname: '127.0.0.1', port: 0 }, (info) => {
  console.log(`LISTENING ${info.port}`)
})
process.on('SIGTERM', () =>
  server.close(() => (redis?.stop() ?? Promise.resolve()).then(() => process.exit(0))),
)
