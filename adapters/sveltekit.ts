/** A handle hook that puts the session on event.locals. @module fetch-session/sveltekit */
import type { Handle, RequestEvent, ResolveOptions } from '@sveltejs/kit'
import {
  getSession,
  type JsonData,
  type Session,
  type SessionBackends,
  type SessionData,
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
    (request: Request, event: RequestEvent, resolve: Resolve) => {
      ;(event.locals as Partial<SessionLocals>).session = () => getSession(request)
      return resolve(event)
    },
    // An async builder goes to withSession as it is, which refuses it at once.
    typeof backends !== 'function' || backends.constructor.name === 'AsyncFunction'
      ? (backends as SessionBackends)
      : (_request, event) => backends(event),
    options,
  )
  return function sessionHandle({ event, resolve }) {
    return handler(event.request, event, resolve)
  }
}
