/**
 * `npm run example:workers`: a visit counter as a Cloudflare Worker; the secret comes from `env`.
 * Deploy with wrangler.toml beside it (`wrangler secret put SESSION_SECRET`).
 */
// In your app: import { withSession } from 'fetch-session/cloudflare' and the rest from 'fetch-session'.
import { withSession } from '../adapters/cloudflare.ts'
import { cookie, getSession, signedCodec } from '../src/index.ts'

interface Env {
  SESSION_SECRET: string
}

export default withSession<Env>(
  {
    async fetch(request) {
      const session = await getSession<{ visits?: number }>(request)
      session.set('visits', (session.get('visits') ?? 0) + 1)
      return new Response(`visits: ${session.get('visits')}`)
    },
  },
  // Built per request from env; the imported key is cached by secret, so this costs no crypto.
  (env) => ({ codec: signedCodec({ secrets: env.SESSION_SECRET }), ...cookie() }),
)
