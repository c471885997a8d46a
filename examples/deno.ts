/** `npm run example:deno`: a visit counter on Deno.serve that remembers where you came from. */
// In your app: import { withSession } from 'fetch-session/deno' and the rest from 'fetch-session'.
import { withSession } from '../adapters/deno.ts'
import { cookie, getSession, signedCodec } from '../src/index.ts'

type Visits = { visits?: number; firstAddress?: string }

// Set SESSION_SECRET (32+ bytes) in production; a random one logs everybody out on restart.
const secret = Deno.env.get('SESSION_SECRET') ?? crypto.randomUUID() + crypto.randomUUID()

Deno.serve(
  {
    hostname: '127.0.0.1',
    port: Number(Deno.env.get('PORT') ?? 8000),
    onListen: ({ port }) => console.log(`Deno example on http://127.0.0.1:${port}`),
  },
  withSession(
    async (request, info) => {
      const session = await getSession<Visits>(request)
      session.set('visits', (session.get('visits') ?? 0) + 1)
      if (!session.has('firstAddress')) session.set('firstAddress', info.remoteAddr.hostname)
      return new Response(
        `visits: ${session.get('visits')} (first from ${session.get('firstAddress')})`,
      )
    },
    { codec: signedCodec({ secrets: secret }), ...cookie() },
  ),
)
