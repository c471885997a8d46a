/** Next.js route handlers, proxy, Server Components and Actions. @module fetch-session/next */
import { cookies, headers } from 'next/headers.js'
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

/** Runs `use` on the session of the request being rendered, and returns its response's headers. */
async function run<T>(
  backends: SessionBackends,
  options: SessionOptions | undefined,
  use: (session: Session) => T | Promise<T>,
): Promise<{ result: T; response: Response }> {
  const request = new Request('http://localhost/', { headers: new Headers(await headers()) })
  let result: T | undefined
  const handler = withRequestSession(
    async (request: Request) => {
      result = await use(await getSession(request))
      return new Response(null)
    },
    backends,
    options,
  )
  const response = await handler(request)
  return { result: result as T, response }
}

/**
 * The session in a Server Component, read-only (a component cannot set cookies): a change throws
 * `ERR_SESSION_COMMITTED`. Change it in a Server Action or route handler with `updateSession`.
 *
 * @example
 * export default async function Page() {
 *   const session = await readSession<{ user?: string }>(backends)
 *   return <p>hello {session.get('user') ?? 'guest'}</p>
 * }
 */
export async function readSession<Data extends JsonData<Data> = SessionData>(
  backends: SessionBackends,
  options?: SessionOptions,
): Promise<Session<Data>> {
  return (await run(backends, options, (session) => session)).result as unknown as Session<Data>
}

/**
 * Changes the session in a Server Action or route handler and writes it through `cookies()` from
 * `next/headers`; returns what `update` returns. Cookie storage only: an action has no response
 * headers of its own.
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
