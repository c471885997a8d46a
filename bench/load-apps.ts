/**
 * The pages of the load run, as plain fetch handlers (Web APIs only), so one module serves them
 * on @hono/node-server, Bun.serve, Deno.serve and workerd. Every page is the demo's front page.
 */
import { Hono } from 'hono'
import { getSession, session } from '../adapters/hono.ts'
import { demoApp } from '../examples/demo/app.ts'
import { cookie, memoryStore, signedCodec, storeCodec } from '../src/index.ts'
import { hmacCookie, SECRET } from './floors.ts'
import { readApps } from './load-read.ts'

export type Handler = (request: Request) => Promise<Response>

/**
 * The same page with no session: the HTML the demo renders for a visitor, with the visit count
 * filled in per request from a plain counter, behind the same route checks.
 */
async function barePage(): Promise<Handler> {
  const first = await demoApp({ secret: SECRET })(new Request('http://127.0.0.1/'))
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

/** The bare page behind the hand-written HMAC cookie: verify and sign on every visit. */
async function hmacPage(kind: 'webcrypto' | 'node'): Promise<Handler> {
  const page = await barePage()
  const cookieJar = hmacCookie(kind)
  return async (request) => {
    const data = await cookieJar.read(request)
    data.count = (data.count ?? 0) + 1
    const response = await page(request)
    response.headers.append('set-cookie', await cookieJar.write(data))
    return response
  }
}

/** The demo's visit counter as a Hono app with the `session()` middleware. */
async function honoPage(): Promise<Handler> {
  const page = await barePage()
  const app = new Hono()
  app.use(session({ codec: signedCodec({ secrets: SECRET, cache: false }), ...cookie() }))
  app.get('/', async (c) => {
    const current = await getSession<{ visits: number }>(c)
    current.set('visits', (current.get('visits') ?? 0) + 1)
    return page(c.req.raw)
  })
  return (request) => Promise.resolve(app.fetch(request))
}

const signedDemo = (options: { cache?: false; webCrypto?: boolean }) =>
  demoApp({
    secret: SECRET,
    codec: signedCodec({ secrets: SECRET, idleTimeout: 3600, ...options }),
  })

export const loadApps: Record<string, () => Promise<Handler>> = {
  ...readApps,
  bare: barePage,
  hmac: () => hmacPage('webcrypto'),
  'hmac-node': () => hmacPage('node'),
  signed: async () => signedDemo({ cache: false }),
  'signed-cache': async () => signedDemo({}),
  'signed-webcrypto': async () => signedDemo({ cache: false, webCrypto: true }),
  hono: honoPage,
  store: async () =>
    demoApp({
      secret: SECRET,
      codec: storeCodec({ store: memoryStore(), secrets: SECRET, idleTimeout: 3600, cache: false }),
    }),
}

/** The handler of `variant`, or an error that names the variants. */
export function loadApp(variant: string | undefined): Promise<Handler> {
  const make = loadApps[variant ?? '']
  if (make === undefined) throw new Error(`variants: ${Object.keys(loadApps).join(', ')}`)
  return make()
}
