/** A Workers handler with sessions, backends built from env. @module fetch-session/cloudflare */
import {
  adaptBackends,
  type SessionBackends,
  SessionError,
  type SessionOptions,
  withSession as withRequestSession,
} from '../src/index.ts'

/** The part of the Workers `ExecutionContext` a handler may use; the real one fits it. */
export interface WorkerContext {
  waitUntil(promise: Promise<unknown>): void
  passThroughOnException(): void
}

/** A Workers `fetch` handler. */
export type WorkerFetch<Env> = (
  request: Request,
  env: Env,
  ctx: WorkerContext,
) => Response | Promise<Response>

/** An `ExportedHandler` whose `fetch` gets sessions; its other handlers are kept as they are. */
export type WorkerHandler<Env, Other extends object = object> = Other & { fetch: WorkerFetch<Env> }

/** Backends, or a function of `env` (Workers secrets live there) called once per request. */
export type WorkerBackendsInit<Env> =
  | SessionBackends
  | ((env: Env, request: Request, ctx: WorkerContext) => SessionBackends)

/**
 * Wraps the `fetch` of a Workers module handler. Codecs built per request cost no key import:
 * keys are cached by secret. A `WebSocketPair` 101 response passes through untouched.
 *
 * @example
 * export default withSession<{ SESSION_SECRET: string }>(
 *   {
 *     async fetch(request) {
 *       const session = await getSession<{ views?: number }>(request)
 *       session.set('views', (session.get('views') ?? 0) + 1)
 *       return new Response(`views: ${session.get('views')}`)
 *     },
 *   },
 *   (env) => ({ codec: signedCodec({ secrets: env.SESSION_SECRET }), ...cookie() }),
 * )
 */
export function withSession<Env, Other extends object = object>(
  handler: WorkerHandler<Env, Other>,
  backends: WorkerBackendsInit<Env>,
  options?: SessionOptions,
): WorkerHandler<Env, Other> {
  if (typeof handler?.fetch !== 'function') {
    throw new SessionError(
      'ERR_SESSION_CONFIG',
      'withSession() needs a handler with a fetch method',
    )
  }
  const fetch = withRequestSession(
    // Keep `this`: a handler may call its own methods.
    (request: Request, env: Env, ctx: WorkerContext) => handler.fetch(request, env, ctx),
    adaptBackends(backends, (request, env: Env, ctx: WorkerContext) => [env, request, ctx]),
    options,
  )
  return { ...handler, fetch }
}
