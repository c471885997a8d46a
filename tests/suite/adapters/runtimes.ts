import assert from 'node:assert/strict'
import { withSession as bunSession } from '../../../adapters/bun.ts'
import { withSession as workerSession } from '../../../adapters/cloudflare.ts'
import { withSession as denoSession } from '../../../adapters/deno.ts'
import { cookie, getSession, SessionError, signedCodec } from '../../../src/index.ts'
import { nextCookie, request, SECRET, signedBackends } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('runtime adapters')

const counting = async (req: Request) => {
  const session = await getSession<{ count?: number }>(req)
  session.set('count', (session.get('count') ?? 0) + 1)
  return new Response(String(session.get('count')))
}

test('bun: the server reaches handler and backends, and an upgrade (undefined) passes through', async () => {
  const server = { upgrade: (_request: Request) => true }
  const seen: unknown[] = []
  const handler = bunSession(
    async (req, srv) => {
      ;(await getSession(req)).set('user', 'ada')
      return srv.upgrade(req) ? undefined : new Response('no upgrade')
    },
    (_req, srv) => {
      seen.push(srv)
      return signedBackends()
    },
  )
  assert.equal(await handler(request(), server), undefined)
  assert.deepEqual(seen, [server])
})

test('deno: the handler declares both parameters, so Deno.serve passes request and info', async () => {
  const info = { remoteAddr: { hostname: '127.0.0.1', port: 4711 } }
  const handler = denoSession(async (req, i) => {
    const response = await counting(req)
    return new Response(`${await response.text()} from ${i.remoteAddr.hostname}`)
  }, signedBackends())
  assert.equal(handler.length, 2)
  const first = await handler(request(), info)
  assert.equal(await first.text(), '1 from 127.0.0.1')
  assert.equal(await (await handler(request(nextCookie(first)), info)).text(), '2 from 127.0.0.1')
})

test('cloudflare: backends come from env per request; other handlers and `this` are kept', async () => {
  type Env = { SESSION_SECRET: string }
  const ctx = { waitUntil() {}, passThroughOnException() {} }
  const scheduled = () => {}
  const worker = workerSession<Env, { scheduled: () => void; label: string }>(
    {
      label: 'counter',
      scheduled,
      async fetch(req) {
        const response = await counting(req)
        return new Response(`${this.label} ${await response.text()}`)
      },
    },
    (env) => ({ codec: signedCodec({ secrets: env.SESSION_SECRET }), ...cookie() }),
  )
  assert.equal(worker.scheduled, scheduled)
  const env = { SESSION_SECRET: SECRET }
  const first = await worker.fetch(request(), env, ctx)
  assert.equal(await first.text(), 'counter 1')
  const again = await worker.fetch(request(nextCookie(first)), env, ctx)
  assert.equal(await again.text(), 'counter 2')
})

test('cloudflare: a handler without fetch is ERR_SESSION_CONFIG at construction', () => {
  assert.throws(
    () => workerSession({} as never, signedBackends()),
    (error: unknown) => error instanceof SessionError && error.code === 'ERR_SESSION_CONFIG',
  )
})
