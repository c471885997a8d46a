/** An Elysia plugin that derives a typed session on Bun. @module fetch-session/elysia */
import { Elysia } from 'elysia'
import { mapResponse } from 'elysia/adapter/bun/handler'
import {
  getSession,
  type JsonData,
  type Session,
  type SessionBackends,
  type SessionData,
  SessionError,
  type SessionOptions,
  withSession,
} from '../src/index.ts'

/** The plugin's type: every route behind it gets `session()` in its context. */
export type SessionPlugin<Data extends JsonData<Data> = SessionData> = Elysia<
  '',
  { decorator: {}; store: {}; derive: { session: () => Promise<Session<Data>> }; resolve: {} }
>

/**
 * Gives every route of the app that uses it `await session()`, typed by `Data`. A changed session
 * is written onto the route's response (Elysia maps plain values first); a route that throws
 * commits nothing. What withSession answers on its own reaches the client as it is: when
 * `onInvalid` returns a Response for a rejected token, or a store fails (503 with `Retry-After`,
 * or what `onStoreError` returns), `session()` throws the `SessionError` carrying it, and the
 * plugin's error hook answers with that Response when the error leaves the route.
 *
 * @example
 * new Elysia()
 *   .use(session<{ visits?: number }>({ codec: signedCodec({ secrets: Bun.env.SESSION_SECRET! }), ...cookie() }))
 *   .get('/', async ({ session }) => {
 *     const s = await session()
 *     s.set('visits', (s.get('visits') ?? 0) + 1)
 *     return `visits: ${s.get('visits')}`
 *   })
 *   .listen(3000)
 */
export function session<Data extends JsonData<Data> = SessionData>(
  backends: SessionBackends,
  options?: SessionOptions,
): SessionPlugin<Data> {
  const pending = new WeakMap<Request, Route>()
  const committed = new WeakMap<Request, Promise<Response | undefined>>()
  // The route's response arrives later, in mapResponse or onError: until then the handler waits.
  const handler = withSession(
    (request: Request) =>
      new Promise<Response | undefined>((resolve, reject) =>
        pending.set(request, { resolve, reject }),
      ),
    backends,
    options,
  )
  /** The waiting handler of `request`, handed its outcome once. */
  const take = (request: Request): Route | undefined => {
    const route = pending.get(request)
    pending.delete(request)
    return route
  }
  return new Elysia()
    .derive({ as: 'global' }, ({ request }) => {
      committed.set(request, handler(request))
      return { session: (): Promise<Session<Data>> => getSession<Data>(request) }
    })
    .mapResponse({ as: 'global' }, ({ request, responseValue, set }) => {
      const resolve = take(request)?.resolve
      if (resolve === undefined) return
      if (responseValue instanceof Response) resolve(responseValue)
      else {
        resolve(mapResponse(responseValue, set, request))
        // Already applied to the mapped response: Elysia must not apply them twice.
        set.headers = {}
        set.status = 200
      }
      return committed.get(request)
    })
    .onError({ as: 'global' }, ({ request, error }) => {
      const route = take(request)
      if (route === undefined) return
      if (error instanceof SessionError && error.response !== undefined) {
        // Thrown by session(): withSession answers it, through the commit's door.
        route.reject(error)
        return committed.get(request)
      }
      // A route that throws commits nothing; Elysia answers its error.
      route.resolve(undefined)
    }) as unknown as SessionPlugin<Data>
}

interface Route {
  resolve(response: Response | undefined): void
  reject(error: unknown): void
}
