/** An Elysia plugin that derives a typed session on Bun. @module fetch-session/elysia */
import { Elysia } from 'elysia'
import { mapResponse } from 'elysia/adapter/bun/handler'
import {
  getSession,
  type JsonData,
  type Session,
  type SessionBackends,
  type SessionData,
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
 * commits nothing.
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
  const pending = new WeakMap<Request, (response: Response) => void>()
  const committed = new WeakMap<Request, Promise<Response>>()
  // The route's response arrives later, in mapResponse: until then the wrapped handler waits.
  const handler = withSession(
    (request: Request) => new Promise<Response>((resolve) => pending.set(request, resolve)),
    backends,
    options,
  )
  return new Elysia()
    .derive({ as: 'global' }, ({ request }) => {
      committed.set(request, handler(request))
      return { session: (): Promise<Session<Data>> => getSession<Data>(request) }
    })
    .mapResponse({ as: 'global' }, ({ request, responseValue, set }) => {
      const resolve = pending.get(request)
      if (resolve === undefined) return
      if (responseValue instanceof Response) resolve(responseValue)
      else {
        resolve(mapResponse(responseValue, set, request))
        // Already applied to the mapped response: Elysia must not apply them twice.
        set.headers = {}
        set.status = 200
      }
      return committed.get(request)
    }) as unknown as SessionPlugin<Data>
}
