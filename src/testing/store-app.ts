/**
 * @module What the store conformance suite drives a store with: a small app over `storeCodec`,
 * counted store calls, and the id inside its cookie. Internal; the project's own store tests use
 * it too.
 */
import type {
  SessionOptions,
  SessionStore,
  StoreCall,
  StoreCodecOptions,
  StoreRecord,
} from '../index.ts'
import { cookie, getSession, type StoreCodec, storeCodec, withSession } from '../index.ts'
import { storeCipher, valueContext } from '../server/store-cipher.ts'

/** The storeCodec options a conformance run adds to every app over a store. */
export interface RunCodecOptions {
  snapshot?: number
  encrypt?: string | readonly string[]
}

/** Each store under test, with the codec options of its run: apps over it use them. */
const runs = new WeakMap<SessionStore, RunCodecOptions>()

/** Makes every `storeApp` over `store` (or over an `instrument` of it) use `options`. */
export function runWith(store: SessionStore, options: RunCodecOptions | undefined): void {
  if (options !== undefined) runs.set(store, options)
}

/** How many times each required store method was called. */
export interface Counts {
  get: number
  set: number
  patch: number
  delete: number
}

/** A store wrapped by `instrument`. */
export interface Instrumented {
  store: SessionStore
  counts: Counts
  /** Operations that throw, as on a refused connection. */
  fail: Set<keyof Counts>
  /** Operations that never answer, as on a stopped server. */
  stall: Set<keyof Counts>
  /** The call (deadline and signal) every operation was given, and when it came, in order. */
  calls: (StoreCall & { at: number })[]
}

/** Every optional method a store may have, passed through by `instrument`. */
const OPTIONAL = ['take', 'indexSet', 'indexDelete', 'indexList'] as const

/** Wraps a store, counting calls and optionally failing or stalling them. */
export function instrument(store: SessionStore): Instrumented {
  const counts: Counts = { get: 0, set: 0, patch: 0, delete: 0 }
  const fail = new Set<keyof Counts>()
  const stall = new Set<keyof Counts>()
  const calls: (StoreCall & { at: number })[] = []
  const run = runs.get(store)
  function counted<A extends unknown[], R>(op: keyof Counts, run: (...args: A) => Promise<R>) {
    return async (...args: A): Promise<R> => {
      counts[op]++
      const call = args.at(-1) as StoreCall | undefined
      if (call?.signal !== undefined) calls.push({ ...call, at: Date.now() })
      if (fail.has(op)) throw new Error('connection refused')
      if (stall.has(op)) return new Promise<R>(() => {})
      return run(...args)
    }
  }
  const wrapped: SessionStore = {
    ...Object.fromEntries(
      OPTIONAL.filter((name) => store[name] !== undefined).map((name) => [
        name,
        (store[name] as (...args: unknown[]) => unknown).bind(store),
      ]),
    ),
    get: counted('get', (id, call) => store.get(id, call)),
    set: counted('set', (id, record, ttl, call) => store.set(id, record, ttl, call)),
    patch: counted('patch', (id, patch, ttl, call) => store.patch(id, patch, ttl, call)),
    delete: counted('delete', (id, call) => store.delete(id, call)),
  }
  runWith(wrapped, run)
  return { counts, fail, stall, calls, store: wrapped }
}

/** The writes among `counts`. */
export const writes = (counts: Counts): number => counts.set + counts.patch + counts.delete

/** A stored record's values, each JSON text parsed, for comparing; `undefined` for no record. */
export function storedValues(record: StoreRecord | undefined): Record<string, unknown> | undefined {
  if (record === undefined) return undefined
  return Object.fromEntries(Object.entries(record.values).map(([k, v]) => [k, JSON.parse(v)]))
}

/** The session id inside a Cookie header of cookie `session`. */
export function idOf(cookieHeader: string): string {
  const token = /(?:^|; )session=([^;]*)/.exec(cookieHeader)?.[1] ?? ''
  return token.slice(0, 22)
}

/** The cookie pairs a response sets, as the next request's Cookie header (cleared ones dropped). */
export function nextCookie(response: Response, previous = ''): string {
  const jar = new Map(
    previous
      .split('; ')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair] as const),
  )
  for (const line of response.headers.getSetCookie()) {
    const pair = line.split(';')[0]!
    const name = pair.slice(0, pair.indexOf('='))
    if (/;\s*Max-Age=0/i.test(line)) jar.delete(name)
    else jar.set(name, pair)
  }
  return [...jar.values()].join('; ')
}

/** What the app answers: the session as the handler saw it. */
export interface AppBody {
  isNew: boolean
  data: Record<string, unknown>
  got?: unknown
  text?: string
}

/** One exchange with the app: the next Cookie header, the body and the response. */
export interface Sent {
  jar: string
  body: AppBody
  response: Response
}

/** The app over one store; see `storeApp`. */
export interface StoreApp {
  handler: (request: Request) => Promise<Response>
  codec: StoreCodec
  /** The `onInvalid` reasons, in order. */
  invalid: string[]
  /** Makes requests with `?as=name` wait: `loaded` resolves once one has read its session. */
  hold(name: string): { loaded: Promise<void>; release: () => void }
  send(path: string, jar?: string): Promise<Sent>
  /** The data stored under `id`, each value parsed (opened first when the run encrypts). */
  values(id: string): Promise<Record<string, unknown> | undefined>
  /** `jar` with the token's snapshot cut off, so the store answers its reads. */
  bare(jar: string): string
}

/** The storeCodec options the suite varies. */
export type AppOptions = Pick<
  StoreCodecOptions,
  'maxAge' | 'idleTimeout' | 'now' | 'timeout' | 'index'
> & { secrets?: string } & RunCodecOptions &
  RunCodecOptions

/**
 * A test app over `storeCodec`: `/set?k=v`, `/delete?key=k`, `/flash?k=v`, `/regenerate`,
 * `/destroy`, `/clear`, `/read`. `?as=name` waits on `hold(name)` after loading, to interleave
 * requests by hand; `?get=k` reads key `k` (a flash) and reports it as `got`.
 */
export function storeApp(
  store: SessionStore,
  options: AppOptions = {},
  sessionOptions: SessionOptions = {},
): StoreApp {
  const invalid: string[] = []
  const run = runs.get(store) ?? {}
  const codec = storeCodec({ store, ...run, ...options })
  const encrypt = options.encrypt ?? run.encrypt
  const cipher = encrypt === undefined ? undefined : storeCipher([encrypt].flat())
  const holds = new Map<string, { loaded: () => void; release: Promise<void> }>()
  const handler = withSession(
    async (req: Request) => {
      const url = new URL(req.url)
      const session = await getSession(req)
      const as = url.searchParams.get('as')
      const get = url.searchParams.get('get')
      const got = get === null ? undefined : session.get(get)
      if (as !== null) {
        const hold = holds.get(as)
        hold?.loaded()
        await hold?.release
      }
      if (url.pathname === '/set' || url.pathname === '/flash') {
        for (const [key, value] of url.searchParams) {
          if (key === 'as' || key === 'get') continue
          if (url.pathname === '/flash') session.flash(key, value)
          else session.set(key, value)
        }
      } else if (url.pathname === '/delete') {
        for (const key of url.searchParams.getAll('key')) session.delete(key)
      } else if (url.pathname === '/regenerate') session.regenerate()
      else if (url.pathname === '/destroy') session.destroy()
      else if (url.pathname === '/clear') session.clear()
      return Response.json({ isNew: session.isNew, data: session.toJSON(), got })
    },
    { codec, ...cookie() },
    { ...sessionOptions, onInvalid: (error) => void invalid.push(error.reason) },
  )
  function hold(name: string): { loaded: Promise<void>; release: () => void } {
    let loaded!: () => void
    let release!: () => void
    const loadedPromise = new Promise<void>((resolve) => {
      loaded = resolve
    })
    holds.set(name, { loaded, release: new Promise<void>((resolve) => (release = resolve)) })
    return { loaded: loadedPromise, release }
  }
  async function send(path: string, jar = ''): Promise<Sent> {
    const headers = jar === '' ? undefined : { cookie: jar }
    const response = await handler(new Request(`http://localhost${path}`, { headers }))
    const json = response.headers.get('content-type')?.startsWith('application/json')
    const body = (json ? await response.json() : { text: await response.text() }) as AppBody
    return { jar: nextCookie(response, jar), body, response }
  }
  async function values(id: string): Promise<Record<string, unknown> | undefined> {
    const record = await store.get(id)
    if (record === undefined || cipher === undefined) return storedValues(record)
    const out: Record<string, string> = {}
    for (const [key, value] of Object.entries(record.values)) {
      const { text } = await cipher.open(valueContext(id, key), value)
      Object.defineProperty(out, key, { value: text, enumerable: true })
    }
    return storedValues({ ...record, values: out })
  }
  const bare = (jar: string) => jar.replace(/~[^;]*/g, '')
  return { handler, codec, invalid, hold, send, values, bare }
}
