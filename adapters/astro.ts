/** Middleware that puts the session on context.locals. @module fetch-session/astro */
import type { APIContext, MiddlewareHandler, MiddlewareNext } from 'astro'
import {
  adaptBackends,
  getSession,
  type JsonData,
  type Session,
  type SessionBackends,
  type SessionData,
  type SessionOptions,
  withSession,
} from '../src/index.ts'

/**
 * What `session()` adds to `context.locals`: declare it in `src/env.d.ts` as
 * `interface Locals extends SessionLocals<MyData> {}` inside `namespace App`. (Astro's own
 * `context.session` is another feature; this one is `context.locals.session`.)
 */
export interface SessionLocals<Data extends JsonData<Data> = SessionData> {
  /** Loads the session on first call; later calls return the same one. */
  session: () => Promise<Session<Data>>
}

/**
 * An `onRequest` middleware: `await Astro.locals.session()` in pages and endpoints. A changed
 * session is written onto the response `next()` returns; combine with others through `sequence()`.
 *
 * What withSession answers on its own reaches the client as it is: when `onInvalid` returns a
 * Response for a rejected token, or a store fails (503 with `Retry-After`, or what
 * `onStoreError` returns), `locals.session()` throws the `SessionError` carrying it; Astro passes
 * a page's or endpoint's error on through `next()`, and this middleware answers with the carried
 * Response. A page or endpoint that catches the error answers as it likes.
 *
 * @example
 * // src/middleware.ts
 * export const onRequest = session((context) => ({
 *   codec: signedCodec({ secrets: import.meta.env.SESSION_SECRET }),
 *   ...cookie({ name: '__Host-session' }),
 * }))
 */
export function session(
  backends: SessionBackends | ((context: APIContext) => SessionBackends),
  options?: SessionOptions,
): MiddlewareHandler {
  const handler = withSession(
    (request: Request, context: APIContext, next: MiddlewareNext) => {
      ;(context.locals as Partial<SessionLocals>).session = () => getSession(request)
      return next()
    },
    adaptBackends(backends, (_request, context: APIContext, _next: MiddlewareNext) => [context]),
    options,
  )
  return function sessionMiddleware(context, next) {
    return handler(context.request, context, next)
  }
}
