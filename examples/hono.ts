/** `npm run example:hono`: log in and out of a Hono app on Node, with a typed session variable. */
// In your app: import { session } from 'fetch-session/hono'.
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { session } from '../adapters/hono.ts'
import { cookie, signedCodec } from '../src/index.ts'

// Set SESSION_SECRET (32+ bytes) in production; a random one logs everybody out on restart.
const secret = process.env.SESSION_SECRET ?? crypto.randomUUID() + crypto.randomUUID()

// Chained, use() adds the typed `session` variable to the app: no Variables to spell out.
const app = new Hono().use(
  session<{ user?: string }>({ codec: signedCodec({ secrets: secret }), ...cookie() }),
)

app.get('/', async (c) => {
  const user = (await c.var.session()).get('user')
  return c.text(user ? `hello ${user}` : 'hello guest: POST /login with user=<name>')
})
app.post('/login', async (c) => {
  const s = await c.var.session()
  s.regenerate() // a fresh token at every login
  s.set('user', String((await c.req.parseBody()).user ?? 'anonymous'))
  return c.redirect('/', 303)
})
app.post('/logout', async (c) => {
  ;(await c.var.session()).destroy()
  return c.redirect('/', 303)
})

serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT ?? 3000) }, (info) =>
  console.log(`Hono example on http://127.0.0.1:${info.port}`),
)
