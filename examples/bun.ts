/** `npm run example:bun`: a visit counter on Bun.serve, and a WebSocket that knows the session. */
// In your app: import { withSession } from 'fetch-session/bun' and the rest from 'fetch-session'.
import type { Server } from 'bun'
import { withSession } from '../adapters/bun.ts'
import { cookie, getSession, signedCodec } from '../src/index.ts'

type Visits = { visits?: number }

// Set SESSION_SECRET (32+ bytes) in production; a random one logs everybody out on restart.
const secret = Bun.env.SESSION_SECRET ?? crypto.randomUUID() + crypto.randomUUID()

const server = Bun.serve({
  hostname: '127.0.0.1',
  port: Number(Bun.env.PORT ?? 3000),
  fetch: withSession(
    async (request, server: Server<Visits>) => {
      const session = await getSession<Visits>(request)
      // A socket has no response to carry a cookie: hand it a copy of the session instead.
      if (new URL(request.url).pathname === '/ws') {
        if (server.upgrade(request, { data: session.toJSON() })) return undefined
      }
      session.set('visits', (session.get('visits') ?? 0) + 1)
      return new Response(`visits: ${session.get('visits')}`)
    },
    { codec: signedCodec({ secrets: secret }), ...cookie() },
  ),
  websocket: {
    data: {} as Visits, // how Bun types ws.data and server.upgrade's data
    open: (ws) => {
      ws.send(`visits: ${ws.data.visits}`)
    },
    message() {},
  },
})
console.log(`Bun example on http://127.0.0.1:${server.port}`)
