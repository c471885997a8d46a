/**
 * The benchmark cases: a request to send, and what its time is compared with. `honoCases()` is
 * the main table (everything through Hono's `app.request()`); `plainCases()` is the runtime
 * comparison (plain fetch handlers, no framework), which runs on Node, Bun and Deno.
 */
import { Hono } from 'hono'
import { getSession, session } from '../adapters/hono.ts'
import type { SessionBackends } from '../src/index.ts'
import { bare, type Handler, hmacFloor, joseFloor, nodeCrypto } from './floors.ts'
import {
  backends,
  type CodecName,
  codecNames,
  freshTokens,
  sessionHandler,
  type Variant,
  visit,
} from './library.ts'
import type { App } from './peers.ts'

export type Group = 'bare' | 'floor' | 'fetch-session' | 'peer'
export type Path = 'read' | 'write' | 'none'

export interface Case {
  /** Unique: `<label>, <path>` for session cases. */
  name: string
  /** The implementation: `signedCodec`, `iron-session`, `hand-written HMAC`, … */
  label: string
  group: Group
  /** `read`: the unchanged path (the session is read, not changed); `write`: a counter goes up. */
  path: Path
  /** The case this one's own floor ratio is taken against. */
  floor?: string
  /** The session cookie the request carries, `name=value`, issued by this implementation. */
  cookie: string
  send(): Promise<Response>
}

const HMAC = 'hand-written HMAC'
const NODE_HMAC = 'hand-written HMAC, node:crypto'
const JOSE = 'hand-written jose HS256'
/** Which floor each codec is held to. */
const FLOORS: Partial<Record<CodecName, string>> = { signedCodec: HMAC, jwtCodec: JOSE }
/** Tokens a cache-miss case cycles through: more than the cache holds, so every one misses. */
const FRESH_TOKENS = 4096

type Send = (cookie: string) => Promise<Response>

/**
 * The session cookie a first visit (no cookie) sets, as the next request's `name=value`: the
 * last Set-Cookie, the one a browser keeps (hono-sessions sends two for one name).
 */
async function issue(send: Send): Promise<string> {
  const response = await send('')
  const line = response.headers.getSetCookie().at(-1)
  if (line === undefined) throw new Error('the write path set no cookie')
  return line.split(';')[0]!
}

/** Read and write cases of one implementation; the cookie comes from its own write path. */
async function pair(
  label: string,
  group: Group,
  make: (write: boolean) => Send | Promise<Send>,
  floor?: string,
): Promise<Case[]> {
  const [read, write] = await Promise.all([make(false), make(true)])
  const cookie = await issue(write)
  // The write path sends back the cookie its last response set, as a browser does.
  let current = cookie
  const writeNext = async () => {
    const response = await write(current)
    const line = response.headers.getSetCookie().at(-1)
    if (line !== undefined) current = line.slice(0, line.indexOf(';'))
    return response
  }
  return (['read', 'write'] as const).map((path) => ({
    name: `${label}, ${path}`,
    label,
    group,
    path,
    floor: floor && `${floor}, ${path}`,
    cookie,
    send: path === 'read' ? () => read(cookie) : writeNext,
  }))
}

const viaHono =
  (app: App): Send =>
  async (cookie) =>
    app.request('/', cookie ? { headers: { cookie } } : {})

const plain =
  (handler: Handler): Send =>
  (cookie) =>
    handler(new Request('http://localhost/', cookie ? { headers: { cookie } } : {}))

function honoRoute(handler: Handler): Hono {
  const app = new Hono()
  app.get('/', (c) => handler(c.req.raw))
  return app
}

function honoLibrary(set: SessionBackends, write: boolean): Hono {
  const app = new Hono()
  app.use(session(set))
  app.get('/', async (c) => c.text(visit(await getSession<{ count: number }>(c), write)))
  return app
}

/** The main table: every case through `app.request()` of a Hono app. */
export async function honoCases(): Promise<Case[]> {
  const { peers, peerNames } = await import('./peers.ts')
  const bareApp = new Hono()
  bareApp.get('/', (c) => c.text('ok'))
  const noopApp = new Hono()
  noopApp.use((_c, next) => next())
  noopApp.get('/', (c) => c.text('ok'))
  const untouchedApp = new Hono()
  untouchedApp.use(session(backends('signedCodec')))
  untouchedApp.get('/', (c) => c.text('ok'))

  const signed = await pair('signedCodec', 'fetch-session', (w) =>
    viaHono(honoLibrary(backends('signedCodec'), w)),
  )
  const cookie = signed[0]!.cookie
  const one = (name: string, label: string, app: Hono, floor?: string): Case => {
    const send = viaHono(app)
    const group = floor === undefined ? 'bare' : 'fetch-session'
    return { name, label, group, path: 'none', floor, cookie, send: () => send(cookie) }
  }
  const native = nodeCrypto() !== undefined
  // One backend set for both paths: storeCodec's sessions live in its store.
  const variant = (label: string, codec: CodecName, v: Variant, floor?: string) => {
    const set = backends(codec, v)
    return pair(label, 'fetch-session', (w) => viaHono(honoLibrary(set, w)), floor)
  }
  const cases = [
    one('bare Hono handler', 'bare', bareApp),
    one('Hono + a no-op middleware', 'no-op middleware', noopApp),
    one('fetch-session, session untouched', 'untouched', untouchedApp, 'bare Hono handler'),
    ...(await pair(HMAC, 'floor', (w) => viaHono(honoRoute(hmacFloor(w))))),
    ...(native
      ? await pair(NODE_HMAC, 'floor', (w) => viaHono(honoRoute(hmacFloor(w, 'node'))))
      : []),
    ...(await pair(JOSE, 'floor', (w) => viaHono(honoRoute(joseFloor(w))))),
    ...signed.map((item) => ({ ...item, floor: `${native ? NODE_HMAC : HMAC}, ${item.path}` })),
    ...(await variant(
      'signedCodec, no cache',
      'signedCodec',
      { cache: false },
      native ? NODE_HMAC : HMAC,
    )),
    ...(await variant('signedCodec, WebCrypto', 'signedCodec', { webCrypto: true }, HMAC)),
    ...(await variant(
      'signedCodec, WebCrypto, no cache',
      'signedCodec',
      { webCrypto: true, cache: false },
      HMAC,
    )),
    ...(await missCases((v) => viaHono(honoLibrary(backends('signedCodec', v), false)))),
  ]
  for (const codec of codecNames.filter((name) => name !== 'signedCodec')) {
    cases.push(
      ...(await variant(codec, codec, {}, codec === 'jwtCodec' ? undefined : FLOORS[codec])),
    )
    if (codec !== 'storeCodec') {
      cases.push(...(await variant(`${codec}, no cache`, codec, { cache: false }, FLOORS[codec])))
    }
  }
  const { deviceBoundCases } = await import('./device-bound.ts')
  cases.push(...(await deviceBoundCases({ read: 'signedCodec, read', none: 'bare Hono handler' })))
  for (const peer of peerNames) {
    cases.push(...(await pair(peer, 'peer', async (w) => viaHono(await peers[peer](w)))))
  }
  return cases
}

/**
 * The read path with a token the codec has never seen on every request, cache on against cache
 * off: what a cache miss costs over no cache at all.
 */
async function missCases(make: (variant: Variant) => Send): Promise<Case[]> {
  const tokens = await freshTokens(FRESH_TOKENS)
  const cycle = (send: Send) => {
    let next = 0
    return () => send(`session=${tokens[next++ % tokens.length]}`)
  }
  const cached = cycle(make({}))
  const uncached = cycle(make({ cache: false }))
  const base = {
    group: 'fetch-session' as const,
    path: 'read' as const,
    cookie: `session=${tokens[0]}`,
  }
  return [
    {
      ...base,
      name: 'signedCodec, no cache, fresh tokens',
      label: 'no cache, fresh tokens',
      send: uncached,
    },
    {
      ...base,
      name: 'signedCodec, cache miss',
      label: 'cache miss',
      floor: 'signedCodec, no cache, fresh tokens',
      send: cached,
    },
  ]
}

/** The runtime comparison: plain fetch handlers, no framework; Web APIs only. */
export async function plainCases(): Promise<Case[]> {
  const signedSet = backends('signedCodec')
  const signed = await pair('signedCodec', 'fetch-session', (w) =>
    plain(sessionHandler(signedSet, w ? 'write' : 'read')),
  )
  const cookie = signed[0]!.cookie
  const untouched = plain(sessionHandler(backends('signedCodec'), 'untouched'))
  const cases: Case[] = [
    {
      name: 'bare handler',
      label: 'bare',
      group: 'bare',
      path: 'none',
      cookie,
      send: () => bare(new Request('http://localhost/', { headers: { cookie } })),
    },
    {
      name: 'withSession, session untouched',
      label: 'untouched',
      group: 'fetch-session',
      path: 'none',
      floor: 'bare handler',
      cookie,
      send: () => untouched(cookie),
    },
    ...(await pair(HMAC, 'floor', (w) => plain(hmacFloor(w)))),
    ...(await pair(JOSE, 'floor', (w) => plain(joseFloor(w)))),
    ...signed.map((item) => ({ ...item, floor: `${HMAC}, ${item.path}` })),
  ]
  for (const codec of codecNames.filter((name) => name !== 'signedCodec')) {
    const set = backends(codec)
    cases.push(
      ...(await pair(
        codec,
        'fetch-session',
        (w) => plain(sessionHandler(set, w ? 'write' : 'read')),
        FLOORS[codec],
      )),
    )
  }
  return cases
}
