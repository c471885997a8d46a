/** Deno.serve handlers with sessions, WebSocket upgrades included. @module fetch-session/deno */
import {
  type BackendsInit,
  type SessionOptions,
  withSession as withRequestSession,
} from '../src/index.ts'

/** The part of Deno's `ServeHandlerInfo` a session handler may use; Deno's own type fits it. */
export interface DenoServeInfo {
  remoteAddr: { hostname: string; port: number; transport?: string }
  completed?: Promise<void>
}

/** A `Deno.serve` handler. */
export type DenoServeHandler<Info extends DenoServeInfo = DenoServeInfo> = (
  request: Request,
  info: Info,
) => Response | Promise<Response>

/**
 * Wraps a `Deno.serve` handler so that `getSession(request)` works inside it. The 101 response
 * of `Deno.upgradeWebSocket` passes through untouched: read the session before upgrading.
 *
 * @example
 * Deno.serve(withSession(async (request, info) => {
 *   const session = await getSession<{ visits?: number }>(request)
 *   session.set('visits', (session.get('visits') ?? 0) + 1)
 *   return new Response(`visit ${session.get('visits')} from ${info.remoteAddr.hostname}`)
 * }, { codec: signedCodec({ secrets: Deno.env.get('SESSION_SECRET')! }), ...cookie() }))
 */
export function withSession<Info extends DenoServeInfo>(
  handler: DenoServeHandler<Info>,
  backends: BackendsInit<[info: Info]>,
  options?: SessionOptions,
): (request: Request, info: Info) => Promise<Response> {
  const wrapped = withRequestSession(handler, backends, options)
  // Deno.serve calls a handler whose `length` is 0 with no arguments at all; keep both.
  return function denoSessionHandler(request: Request, info: Info): Promise<Response> {
    return wrapped(request, info)
  }
}
