/**
 * The pages of the load run, as plain fetch handlers (Web APIs only), so one module serves them
 * on @hono/node-server, Bun.serve, Deno.serve and workerd. Every page is the demo's front page,
 * rendered by the demo's own `demoPage`, with or without a session; each variant creates only the
 * `withSession` layers it needs (one; two only for `signed-context`).
 */
import { Hono, type MiddlewareHandler } from 'hono'
import { getSession, session } from '../adapters/hono.ts'
import { demoApp, demoPage, describeAttributes, sentCookies } from '../examples/demo/app.ts'
import { cookie, memoryStore, signedCodec, storeCodec, withSession } from '../src/index.ts'
import { hmacCookie, SECRET } from './floors.ts'
import { readApps } from './load-read.ts'

export type Handler = (request: Request) => Promise<Response>

const NAME = '__Host-session'
const ATTRIBUTES = describeAttributes({ name: NAME })

/** The demo's front page for `data`, built as the demo builds it. */
function render(request: Request, data: { visits: number }): Response {
  const html = demoPage({
    user: undefined,
    visits: data.visits,
    notice: undefined,
    note: undefined,
    data,
    id: undefined,
    sent: sentCookies(request, NAME),
    cookieName: NAME,
    codecLabel: 'signed with HMAC-SHA256',
    attributes: ATTRIBUTES,
    devices: '',
  })
  return new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } })
}

/** The demo's route check: anything but GET / is not found. */
function notFound(request: Request): Response | undefined {
  const url = new URL(request.url)
  if (request.method !== 'GET' || url.pathname !== '/') {
    return new Response('Not found', { status: 404 })
  }
  return undefined
}

/** The same page with no session: the visit count from a plain counter. */
async function barePage(): Promise<Handler> {
  let visits = 0
  return async (request) => notFound(request) ?? render(request, { visits: ++visits })
}

/** The page behind the hand-written HMAC cookie: verify and sign on every visit. */
async function hmacPage(kind: 'webcrypto' | 'node'): Promise<Handler> {
  const jar = hmacCookie<{ visits?: number }>(kind, NAME)
  return async (request) => {
    const missing = notFound(request)
    if (missing) return missing
    const data = await jar.read(request)
    const visits = (data.visits ?? 0) + 1
    data.visits = visits
    const response = render(request, { visits })
    response.headers.append('set-cookie', await jar.write(data))
    return response
  }
}

/** The same page as a Hono app, its session from `middleware`. */
function honoApp(middleware: MiddlewareHandler): Handler {
  const app = new Hono()
  app.use(middleware)
  app.get('/', async (c) => {
    const current = await getSession<{ visits: number }>(c)
    current.set('visits', (current.get('visits') ?? 0) + 1)
    return render(c.req.raw, { visits: current.get('visits')! })
  })
  return (request) => Promise.resolve(app.fetch(request))
}

/** The page as a Hono app with a hand-written node:crypto HMAC cookie middleware. */
async function honoHmacPage(): Promise<Handler> {
  const jar = hmacCookie<{ visits?: number }>('node', NAME)
  const app = new Hono<{ Variables: { visits: { visits?: number } } }>()
  app.use(async (c, next) => {
    const data = await jar.read(c.req.raw)
    c.set('visits', data)
    await next()
    c.res.headers.append('set-cookie', await jar.write(data))
  })
  app.get('/', (c) => {
    const data = c.get('visits')
    data.visits = (data.visits ?? 0) + 1
    return render(c.req.raw, { visits: data.visits })
  })
  return (request) => Promise.resolve(app.fetch(request))
}

const signedDemo = (options: { cache?: false; webCrypto?: boolean }) =>
  demoApp({
    secret: SECRET,
    codec: signedCodec({ secrets: SECRET, idleTimeout: 3600, ...options }),
  })

/**
 * The signed page with a second `withSession()` in the process (wrapping nothing that is served):
 * the async context that nested layers need is on, as in an app with two layers.
 */
async function signedWithContext(): Promise<Handler> {
  withSession(() => new Response(null), { codec: signedCodec({ secrets: SECRET }), ...cookie() })
  return signedDemo({ cache: false })
}

export const loadApps: Record<string, () => Promise<Handler>> = {
  ...readApps,
  bare: barePage,
  hmac: () => hmacPage('webcrypto'),
  'hmac-node': () => hmacPage('node'),
  signed: async () => signedDemo({ cache: false }),
  'signed-cache': async () => signedDemo({}),
  'signed-webcrypto': async () => signedDemo({ cache: false, webCrypto: true }),
  'signed-context': signedWithContext,
  'hono-hmac-node': honoHmacPage,
  hono: async () =>
    honoApp(
      session({ codec: signedCodec({ secrets: SECRET, cache: false }), ...cookie({ name: NAME }) }),
    ),
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
