/** A Hono middleware over withSession, with a typed context variable. @module fetch-session/hono */
import type { Context, ContextVariableMap, Env, MiddlewareHandler, Next } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import {
  adaptBackends,
  getSession as getRequestSession,
  type JsonData,
  type Session,
  type SessionBackends,
  type SessionData,
  SessionError,
  type SessionOptions,
  withSession,
} from '../src/index.ts'

/** Loads the session on first call; later calls return the same one. */
export type SessionLoader<Data extends JsonData<Data> = SessionData> = () => Promise<Session<Data>>

/**
 * Context variables the middleware sets: `new Hono<{ Variables: SessionVariables<MyData> }>()`, or
 * for every app of a program, as Hono's own middlewares type theirs:
 * `declare module 'hono' { interface ContextVariableMap extends SessionVariables<MyData> {} }`.
 */
export interface SessionVariables<Data extends JsonData<Data> = SessionData> {
  session: SessionLoader<Data>
}

/** A backend set, or a function that builds one from the context (to read secrets in `c.env`). */
export type HonoBackendsInit<E extends Env = Env> =
  | SessionBackends
  | ((c: Context<E>) => SessionBackends)

/**
 * The session of a raw request, with an error that carries withSession's answer (a rejected
 * token's `onInvalid` Response, a store failure's 503) turned into an `HTTPException` carrying
 * that Response: Hono's error handler answers with it as is, and logs nothing, where a bare error
 * would be logged and answered with a 500.
 */
function load<Data extends JsonData<Data>>(request: Request): Promise<Session<Data>> {
  return getRequestSession<Data>(request).catch((error: unknown) => {
    const answer = error instanceof SessionError ? error.response : undefined
    if (answer === undefined) throw error
    throw new HTTPException(answer.status as ContentfulStatusCode, { res: answer, cause: error })
  })
}

/**
 * Gives every request behind it a session: `await c.var.session()` or `await getSession(c)`.
 * A changed session is written onto the final response; a handler that throws commits nothing.
 * When withSession would answer on its own (`onInvalid` returned a Response; a store failed: 503
 * with `Retry-After`, or what `onStoreError` returned), the session throws an `HTTPException`
 * carrying that Response (its `cause` is the `SessionError`): Hono's default error handler sends
 * it; a custom `app.onError` should return `err.getResponse()` for an `HTTPException`, as Hono's
 * documentation advises.
 *
 * The middleware's type carries `Data`: chained, `app.use()` adds `session` to the app's
 * variables, so `c.var.session` and `getSession(c)` are typed without spelling `Variables`.
 *
 * @example
 * type Bindings = { SECRET: string }
 * const app = new Hono<{ Bindings: Bindings }>()
 *   .use(session<{ user?: string }, { Bindings: Bindings }>((c) => ({ codec: signedCodec({ secrets: c.env.SECRET }), ...cookie() })))
 *   .get('/', async (c) => c.text(`hello ${(await c.var.session()).get('user') ?? 'guest'}`))
 */
export function session<Data extends JsonData<Data> = SessionData, E extends Env = Env>(
  backends: HonoBackendsInit<E>,
  options: SessionOptions = {},
): MiddlewareHandler<E & { Variables: SessionVariables<Data> }> {
  if (typeof options !== 'object' || options === null) {
    throw new SessionError('ERR_SESSION_CONFIG', 'session() options must be an object')
  }
  if (options.onInvalid !== undefined && typeof options.onInvalid !== 'function') {
    throw new SessionError('ERR_SESSION_CONFIG', 'session() onInvalid must be a function')
  }
  const handler = withSession(
    async (_request: Request, c: Context<E>, next: Next): Promise<Response | undefined> => {
      await next()
      // Hono caught a handler's error and answered with onError: commit nothing, as withSession does.
      return c.error === undefined ? c.res : undefined
    },
    // withSession checks a plain backend set now, and a built one on first use.
    adaptBackends(backends, (_request, c: Context<E>) => [c]),
    options,
  )

  return async function sessionMiddleware(c: Context, next: Next): Promise<void> {
    c.set('session' as never, (() => load(c.req.raw)) as never)
    const committed = await handler(c.req.raw, c as Context<E>, next)
    if (committed !== undefined && committed !== c.res) {
      // Hono's setter merges the old response's Set-Cookie over the new one; start clean.
      c.res = undefined
      c.res = committed
    }
  }
}

/** What `getSession(c)` resolves to: the session type the app's `Variables` declare. */
export type SessionOf<E extends Env> = E extends { Variables: { session: () => infer Loaded } }
  ? Loaded
  : ContextVariableMap extends { session: () => infer Loaded }
    ? Loaded
    : Promise<Session>

/**
 * The session of the request behind `c`, typed by the app's `Variables` (the middleware's `Data`);
 * the token is decoded on the first call only. A route that no `session()` middleware ran for
 * throws `ERR_SESSION_MISSING`.
 *
 * @example
 * app.post('/login', async (c) => {
 *   const session = await getSession(c)
 *   session.regenerate()
 *   session.set('user', (await c.req.formData()).get('user') as string)
 *   return c.redirect('/')
 * })
 */
export function getSession<E extends Env>(c: Context<E>): SessionOf<E>
export function getSession<Data extends JsonData<Data>>(c: Context): Promise<Session<Data>>
export function getSession(c: Context): Promise<Session> {
  if (typeof c.get('session' as never) !== 'function') {
    return Promise.reject(
      new SessionError(
        'ERR_SESSION_MISSING',
        'getSession(c): no session() middleware ran for this route; add app.use(session(backends)) before it',
      ),
    )
  }
  return load(c.req.raw)
}
