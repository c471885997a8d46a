/** A handle hook that puts the session on event.locals. @module fetch-session/sveltekit */
import type { Handle, RequestEvent, ResolveOptions } from '@sveltejs/kit'
import {
  adaptBackends,
  getSession,
  type JsonData,
  type Session,
  type SessionBackends,
  type SessionData,
  SessionError,
  type SessionOptions,
  withSession,
} from '../src/index.ts'

/**
 * What `session()` adds to `event.locals`: declare it in `src/app.d.ts` as
 * `interface Locals extends SessionLocals<MyData> {}` inside `namespace App`.
 */
export interface SessionLocals<Data extends JsonData<Data> = SessionData> {
  /** Loads the session on first call; later calls return the same one. */
  session: () => Promise<Session<Data>>
}

type Resolve = (event: RequestEvent, options?: ResolveOptions) => Response | Promise<Response>

/**
 * A `handle` hook: `await event.locals.session()` in load functions, actions and endpoints. A
 * changed session is written onto the response `resolve` returns. Combine with other hooks
 * through `sequence()`.
 *
 * What withSession answers on its own reaches the client as it is: when `onInvalid` returns a
 * Response for a rejected token, or a store fails (503 with `Retry-After`, or what
 * `onStoreError` returns), `locals.session()` throws the `SessionError` carrying it, and when
 * SvelteKit answers that error with its 500 (an error page, `handleError`'s JSON), this hook
 * sends the carried Response instead. A route that catches the error answers as it likes.
 *
 * @example
 * // src/hooks.server.ts
 * export const handle = session((event) => ({
 *   codec: signedCodec({ secrets: env.SESSION_SECRET }),
 *   ...cookie({ name: '__Host-session' }),
 * }))
 */
export function session(
  backends: SessionBackends | ((event: RequestEvent) => SessionBackends),
  options?: SessionOptions,
): Handle {
  const handler = withSession(
    async (request: Request, event: RequestEvent, resolve: Resolve) => {
      let failure: unknown
      ;(event.locals as Partial<SessionLocals>).session = () =>
        getSession(request).catch((error: unknown) => {
          failure = error
          throw error
        })
      const response = await resolve(event)
      if (response.status === 500 && failure instanceof SessionError && failure.response) {
        // SvelteKit caught the session's error: withSession answers it instead.
        await response.body?.cancel()
        throw failure
      }
      return response
    },
    adaptBackends(backends, (_request, event: RequestEvent, _resolve: Resolve) => [event]),
    options,
  )
  return function sessionHandle({ event, resolve }) {
    return handler(event.request, event, resolve)
  }
}
