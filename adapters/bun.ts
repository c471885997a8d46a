/** Bun.serve handlers with sessions, WebSocket upgrades included. @module fetch-session/bun */
import {
  type BackendsInit,
  type SessionOptions,
  withSession as withRequestSession,
} from '../src/index.ts'

/** The part of Bun's `Server` that a session handler needs; Bun's own type fits it. */
export interface BunServer {
  upgrade(
    request: Request,
    options?: { headers?: Headers | Record<string, string>; data?: unknown },
  ): boolean
}

/**
 * What `withSession` needs of a server: Bun's own `Server<WebSocketData>` fits it, whichever data
 * type its `upgrade` requires.
 */
export interface BunServerLike {
  upgrade(request: Request, ...options: never[]): boolean
}

/** A `Bun.serve` fetch handler: `undefined` after a successful `server.upgrade`. */
export type BunFetchHandler<Server extends BunServerLike = BunServer> = (
  request: Request,
  server: Server,
) => Response | undefined | Promise<Response | undefined>

/**
 * Wraps a `Bun.serve` fetch handler so that `getSession(request)` works inside it. After
 * `server.upgrade()` the handler returns `undefined` and nothing is committed: a WebSocket has no
 * response to carry a cookie, so hand the socket a copy of the session in the upgrade `data`.
 *
 * @example
 * Bun.serve({
 *   fetch: withSession(async (request, server) => {
 *     const session = await getSession<{ user?: string }>(request)
 *     if (server.upgrade(request, { data: { user: session.get('user') } })) return undefined
 *     return new Response(`hello ${session.get('user') ?? 'guest'}`)
 *   }, { codec: signedCodec({ secrets: Bun.env.SESSION_SECRET! }), ...cookie() }),
 *   websocket: { open: (ws) => ws.send(`hello ${ws.data.user}`), message() {} },
 * })
 */
export function withSession<Server extends BunServerLike = BunServer>(
  handler: BunFetchHandler<Server>,
  backends: BackendsInit<[server: Server]>,
  options?: SessionOptions,
): (request: Request, server: Server) => Promise<Response | undefined> {
  return withRequestSession(handler, backends, options)
}
