/**
 * `npm run example:flask-migration`: the Flask app (./legacy.py, werkzeug's server) and the
 * fetch-session app (./next.ts) behind one origin, http://127.0.0.1:8789 (or $PORT): /v2/ goes to
 * fetch-session, every other path to Flask, so the browser sends both the same `session` cookie.
 * FLASK_SECRET_KEY is the key both use (a random one when unset); PYTHON has flask installed.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { nextApp } from './next.ts'

const python = process.env.PYTHON ?? '/usr/bin/python3'
const secretKey =
  process.env.FLASK_SECRET_KEY ||
  btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
const probe = createServer().listen(0, '127.0.0.1')
await once(probe, 'listening')
const upstreamPort = (probe.address() as { port: number }).port
probe.close()
await once(probe, 'close')

const flask = spawn(python, [fileURLToPath(new URL('legacy.py', import.meta.url))], {
  env: {
    ...process.env,
    FLASK_SECRET_KEY: secretKey,
    PORT: String(upstreamPort),
    PYTHONDONTWRITEBYTECODE: '1',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
})
const upstream = `http://127.0.0.1:${upstreamPort}`
for (let ready = false; !ready; ) {
  if (flask.exitCode !== null) throw new Error(`Flask exited; is flask installed for ${python}?`)
  await new Promise((resolve) => setTimeout(resolve, 100))
  ready = await fetch(`${upstream}/visits`).then(
    () => true,
    () => false,
  )
}

const next = nextApp(secretKey)
const server = serve({
  port: Number(process.env.PORT ?? 8789),
  hostname: '127.0.0.1',
  fetch: (request: Request) => {
    const url = new URL(request.url)
    if (url.pathname.startsWith('/v2/')) return next(request)
    return fetch(`${upstream}${url.pathname}${url.search}`, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      // @ts-expect-error Node's fetch needs duplex for a streamed body
      duplex: 'half',
    })
  },
})
await once(server, 'listening')
console.log(
  `http://127.0.0.1:${(server.address() as { port: number }).port}  (Flask at ${upstream})`,
)
const stop = () => {
  server.close()
  flask.kill('SIGTERM')
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
