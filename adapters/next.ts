/** Next.js route handlers, proxy, Server Components and Actions. @module fetch-session/next */
import { cookies, headers } from 'next/headers.js'
// @ts-types="./next-after.d.ts"
import { after } from 'next/server.js'
import { cache } from 'react'
import {
  getSession,
  type JsonData,
  type Session,
  type SessionBackends,
  type SessionData,
  SessionError,
  type SessionOptions,
  withSession as withRequestSession,
} from '../src/index.ts'

/**
 * Wraps an App Router route handler or `proxy` (middleware) so that `getSession(request)` works
 * inside it; the request keeps its own type (`NextRequest`), the returned handler its parameters.
 * What withSession answers on its own (`onInvalid`'s Response, a store failure's 503) is the
 * handler's answer, as Next.js sends it.
 *
 * @example
 * export const POST = withSession(async (request: NextRequest) => {
 *   const session = await getSession<{ user?: string }>(request)
 *   session.set('user', String((await request.formData()).get('user')))
 *   return NextResponse.redirect(new URL('/', request.url), 303)
 * }, backends)
 */
export function withSession<Req extends Request, Rest extends unknown[], Res extends Response>(
  handler: (request: Req, ...rest: Rest) => Res | Promise<Res>,
  backends: SessionBackends | ((request: Req, ...rest: Rest) => SessionBackends),
  options?: SessionOptions,
): (request: Req, ...rest: Rest) => Promise<Res> {
  return withRequestSession(handler as never, backends as never, options) as never
}

/**
 * Runs `use` on the session of the request being rendered, through withSession, and returns what
 * it returns with the response withSession made (its Set-Cookie). When withSession answers on its
 * own instead, throws the `SessionError` carrying that answer in `error.response`.
 */
async function run<T>(
  backends: SessionBackends,
  options: SessionOptions | undefined,
  use: (session: Session) => T | Promise<T>,
): Promise<{ result: T; response: Response }> {
  const request = new Request('http://localhost/', { headers: new Headers(await headers()) })
  const own = new Response(null)
  let result: T | undefined
  let failure: unknown
  const handler = withRequestSession(
    async (request: Request) => {
      try {
        result = await use(await getSession(request))
      } catch (error) {
        failure = error
        throw error
      }
      return own
    },
    backends,
    options,
  )
  const response = await handler(request)
  if (response !== own) {
    // onInvalid's Response or a store failure's: the error carries it, never a silent result.
    if (failure instanceof SessionError && failure.response === response) throw failure
    const cause = failure instanceof SessionError ? failure : undefined
    throw new SessionError(
      cause?.code ?? 'ERR_SESSION_STORE',
      cause?.message ?? 'session store failed',
      {
        cause,
        response,
      },
    )
  }
  return { result: result as T, response }
}

/** What a Server Component may not do to its session. */
const CHANGES = new Set(['set', 'delete', 'clear', 'flash', 'setMaxAge', 'regenerate', 'destroy'])

function readOnly(): never {
  throw new SessionError(
    'ERR_SESSION_COMMITTED',
    'readSession: a Server Component cannot set cookies, so its session is read-only; change it in a Server Action or route handler with updateSession',
  )
}

/**
 * The session seen read-only: every change throws, and values are handed out as copies, so that
 * nothing but the flash values it reads reaches the commit after the render.
 */
function view(session: Session): Session {
  return new Proxy(session, {
    get(target, key) {
      if (typeof key === 'string' && CHANGES.has(key)) return readOnly
      if (key === 'get') return (name: string) => structuredClone(target.get(name as never))
      if (key === 'toJSON') return () => structuredClone(target.toJSON())
      const value = Reflect.get(target, key, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

/**
 * Decodes the session of the request being rendered, once per request (React's `cache`: the
 * layout and the page share it), and commits it after the response (`after()`): a storeCodec
 * flash that the render read is gone from the store, one it did not read is put back.
 */
const load = cache(
  (backends: SessionBackends, options: SessionOptions | undefined): Promise<Session> =>
    new Promise((resolve, reject) => {
      let rendered = (): void => undefined
      const done = new Promise<void>((release) => (rendered = release))
      let delivered = false
      const committed = run(backends, options, async (session) => {
        delivered = true
        resolve(view(session))
        await done
      })
      committed.catch(reject)
      try {
        // Reported by Next.js, as after() reports its callbacks' failures; a load failure
        // was already thrown to the caller.
        after(() => {
          rendered()
          return delivered ? committed.then(() => undefined) : undefined
        })
      } catch {
        // Outside a request's render: nothing comes after it, so commit at once.
        rendered()
      }
    }),
)

/**
 * The session in a Server Component, read-only (a component cannot set cookies): a change throws
 * `ERR_SESSION_COMMITTED`. Change it in a Server Action or route handler with `updateSession`.
 * Decoded once per request for the same `backends` and `options` objects (the layout and the page
 * share it), and committed after the response (`after()`): a flash value is consumed when it is
 * read, with a server-side codec (`storeCodec`); one the render did not read stays. A cookie
 * codec's flash stays until a route handler, an action or the proxy reads it, since only they can
 * rewrite the cookie.
 *
 * When withSession would answer on its own (`onInvalid` returned a Response for a rejected token;
 * a store failed: 503, or what `onStoreError` returned), no session is given: it throws the
 * `SessionError` carrying that answer in `error.response`. A route handler returns it; in a
 * component it reaches the nearest `error.tsx`.
 *
 * @example
 * export default async function Page() {
 *   const session = await readSession<{ user?: string }>(backends)
 *   return <p>hello {session.get('user') ?? 'guest'}</p>
 * }
 */
export function readSession<Data extends JsonData<Data> = SessionData>(
  backends: SessionBackends,
  options?: SessionOptions,
): Promise<Session<Data>> {
  return load(backends, options) as unknown as Promise<Session<Data>>
}

/**
 * Changes the session in a Server Action or route handler and writes it through `cookies()` from
 * `next/headers`; returns what `update` returns. Cookie storage only: an action has no response
 * headers of its own. When withSession would answer on its own (`onInvalid`'s Response, a store
 * failure), `update` is not called: it throws the `SessionError` carrying that answer in
 * `error.response`, as `readSession` does.
 *
 * @example
 * export async function login(form: FormData) {
 *   'use server'
 *   await updateSession<{ user?: string }>(backends, (session) => {
 *     session.regenerate()
 *     session.set('user', String(form.get('user')))
 *   })
 *   redirect('/')
 * }
 */
export async function updateSession<Data extends JsonData<Data> = SessionData, T = void>(
  backends: SessionBackends,
  update: (session: Session<Data>) => T | Promise<T>,
  options?: SessionOptions,
): Promise<T> {
  const { result, response } = await run(backends, options, update as never)
  const other = [...response.headers.keys()].find(
    (name) => !/^(set-cookie|cache-control|vary|access-control-expose-headers)$/.test(name),
  )
  if (other !== undefined) {
    throw new SessionError(
      'ERR_SESSION_CONFIG',
      `updateSession: a Server Action can only set cookies, not ${other}: use cookie() storage here`,
    )
  }
  const jar = await cookies()
  for (const line of response.headers.getSetCookie()) {
    const [pair = '', ...attributes] = line.split(';')
    const at = pair.indexOf('=')
    const cookie: Record<string, unknown> = { name: pair.slice(0, at), value: pair.slice(at + 1) }
    for (const attribute of attributes) {
      const [key = '', value = ''] = attribute.trim().split('=')
      const name = key.toLowerCase()
      if (name === 'max-age') cookie.maxAge = Number(value)
      else if (name === 'expires') cookie.expires = new Date(value)
      else if (name === 'samesite') cookie.sameSite = value.toLowerCase()
      else if (name === 'path' || name === 'domain') cookie[name] = value
      else cookie[name === 'httponly' ? 'httpOnly' : name] = true
    }
    jar.set(cookie as never)
  }
  return result as T
}
