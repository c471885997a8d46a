/**
 * `npm run example:starlette-migration`: the Starlette app (./legacy.py, under uvicorn) and the
 * fetch-session app (./next.ts) behind one origin, http://127.0.0.1:8788 (or $PORT), the way a
 * reverse proxy serves a migration in progress: /v2/ goes to fetch-session, every other path to
 * Python. One host, so the browser sends both services the same `session` cookie.
 *
 * SESSION_SECRET_KEY is the Starlette secret_key both sides use (a random one when unset);
 * PYTHON is the interpreter that has starlette, itsdangerous and uvicorn (default /usr/bin/python3).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { nextApp } from './next.ts'

const python = process.env.PYTHON ?? '/usr/bin/python3'
let stopping = false
const here = fileURLToPath(new URL('.', import.meta.url))
let secretKey = process.env.SESSION_SECRET_KEY
if (!secretKey) {
  secretKey = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
  console.log('SESSION_SECRET_KEY is not set: using a development key for this run only.')
}

/** A free port on 127.0.0.1 for uvicorn, which cannot report a port it chose itself. */
async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const { port } = probe.address() as { port: number }
  probe.close()
  await once(probe, 'close')
  return port
}

const upstreamPort = await freePort()
const upstream = `http://127.0.0.1:${upstreamPort}`
const uvicorn: ChildProcess = spawn(
  python,
  ['-m', 'uvicorn', 'legacy:app', '--app-dir', here, '--host', '127.0.0.1'].concat([
    '--port',
    String(upstreamPort),
    '--log-level',
    'warning',
    '--no-access-log',
  ]),
  {
    env: { ...process.env, SESSION_SECRET_KEY: secretKey, PYTHONDONTWRITEBYTECODE: '1' },
    stdio: ['ignore', 'inherit', 'inherit'],
  },
)
uvicorn.once('exit', (code, signal) => {
  if (!stopping) {
    console.error(`uvicorn exited (${signal ?? code}); is starlette installed for ${python}?`)
    process.exit(1)
  }
})

// Wait until Python answers, so that the URL printed below works at once.
for (let ready = false; !ready; ) {
  await new Promise((resolve) => setTimeout(resolve, 100))
  ready = await fetch(`${upstream}/api/session`).then(
    (response) => response.ok,
    () => false,
  )
}

/** Hop-by-hop headers: they describe one connection, so a proxy never forwards them. */
const HOP = ['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host', 'content-length']

async function toPython(request: Request): Promise<Response> {
  const url = new URL(request.url)
  const headers = new Headers(request.headers)
  for (const name of HOP) headers.delete(name)
  const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : request.body
  const response = await fetch(`${upstream}${url.pathname}${url.search}`, {
    method: request.method,
    headers,
    body,
    redirect: 'manual',
    // @ts-expect-error Node's fetch needs this to stream a request body; the DOM types lack it.
    duplex: 'half',
  })
  const out = new Headers(response.headers)
  // fetch() has already decoded the body, so its original encoding and length no longer apply.
  for (const name of [...HOP, 'content-encoding']) out.delete(name)
  return new Response(response.body, { status: response.status, headers: out })
}

const next = nextApp(secretKey)
const fetchHandler = (request: Request): Promise<Response> =>
  /^\/v2(?:\/|$)/.test(new URL(request.url).pathname) ? next(request) : toPython(request)

const port = Number(process.env.PORT ?? 8788)
const server = serve({ fetch: fetchHandler, port, hostname: '127.0.0.1' }, (info) => {
  console.log(
    `Starlette migration example on http://127.0.0.1:${info.port}/ ` +
      '(Python at /, fetch-session at /v2/)',
  )
})

function stop(): void {
  stopping = true
  server.close()
  if (uvicorn.exitCode === null && uvicorn.signalCode === null) uvicorn.kill('SIGTERM')
  uvicorn.once('exit', () => process.exit(0))
  if (uvicorn.exitCode !== null || uvicorn.signalCode !== null) process.exit(0)
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, stop)
