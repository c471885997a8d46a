/** `npm start`: the demo app on Node, at http://localhost:8787 (or $PORT). */
import { serve } from '@hono/node-server'
import { demoApp } from './app.ts'

let secret = process.env.SESSION_SECRET
if (!secret) {
  secret = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
  console.log('SESSION_SECRET is not set: using a development secret for this run only.')
}
const port = Number(process.env.PORT ?? 8787)
const hostname = process.env.HOST ?? 'localhost'

const server = serve({ fetch: demoApp({ secret }), port, hostname }, (info) => {
  console.log(
    `fetch-session demo on http://${hostname === '127.0.0.1' ? '127.0.0.1' : 'localhost'}:${info.port}`,
  )
})
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => server.close(() => process.exit(0)))
