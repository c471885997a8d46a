/**
 * Real servers on 127.0.0.1: @hono/node-server (Hono adapter), Bun.serve, Deno.serve and workerd
 * (Miniflare) each serve tests/fixtures/app.ts; fetch drives login → read → update → logout with
 * cookies, the same with a Bearer token, and a WebSocket upgrade that carries the session.
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { Miniflare } from 'miniflare'
import { session } from '../../adapters/hono.ts'
import { app, appBackends, SERVER_SECRET } from '../fixtures/app.ts'
import { bin } from '../fixtures/frameworks.ts'
import { nextCookie } from '../fixtures/suite.ts'
import { bundleWorker, COMPATIBILITY_DATE } from '../runners/worker-bundle.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))

interface Server {
  url: string
  stop(): Promise<void>
}

/** Starts a runtime on a fixture that prints `listening <port>`. */
async function spawnServer(binary: string, args: string[]): Promise<Server> {
  if (!existsSync(binary)) assert.fail(`${binary} is missing`)
  const child: ChildProcess = spawn(binary, args, {
    cwd: root,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no port within 20 s:\n${output}`)), 20_000)
    const read = (chunk: Buffer) => {
      output += chunk
      const found = /listening (\d+)/.exec(output)
      if (found) {
        clearTimeout(timer)
        resolve(Number(found[1]))
      }
    }
    child.stdout!.on('data', read)
    child.stderr!.on('data', read)
    child.on('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)))
  })
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve())
        child.kill()
      }),
  }
}

const starters: Record<string, () => Promise<Server>> = {
  async 'node (@hono/node-server, Hono adapter)'() {
    const hono = new Hono()
    hono.use(session((c) => appBackends(SERVER_SECRET)(c.req.raw)))
    hono.all('*', (c) => app(c.req.raw))
    const server = serve({ fetch: hono.fetch, hostname: '127.0.0.1', port: 0 })
    await new Promise((resolve) => server.once('listening', resolve))
    const { port } = server.address() as AddressInfo
    return {
      url: `http://127.0.0.1:${port}`,
      stop: () => new Promise((resolve) => server.close(() => resolve())),
    }
  },
  bun: () => spawnServer(bin('bun'), ['run', 'tests/fixtures/servers/bun.ts']),
  deno: () =>
    spawnServer(bin('deno'), [
      'run',
      '--no-check',
      '--allow-net=127.0.0.1',
      'tests/fixtures/servers/deno.ts',
    ]),
  async 'workerd (Miniflare)'() {
    const contents = await bundleWorker(`${root}tests/fixtures/servers/workers.ts`)
    const mf = new Miniflare({
      modules: [{ type: 'ESModule', path: 'worker.mjs', contents }],
      compatibilityDate: COMPATIBILITY_DATE,
      bindings: { SESSION_SECRET: SERVER_SECRET },
      host: '127.0.0.1',
      port: 0,
    })
    const url = await mf.ready
    return { url: url.origin, stop: () => mf.dispose() }
  },
}

process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false'

for (const [name, start] of Object.entries(starters)) {
  describe(`a real server on ${name}`, () => {
    let server: Server
    before(async () => {
      server = await start()
    })
    after(() => server?.stop())

    const post = (path: string, headers: Record<string, string> = {}, body?: string) =>
      fetch(`${server.url}${path}`, { method: 'POST', headers, body })

    test('login, read, update and logout carry the session in a cookie', async () => {
      const guest = await fetch(`${server.url}/me`)
      assert.equal(await guest.text(), 'guest')
      assert.equal(guest.headers.get('set-cookie'), null)

      const login = await post(
        '/login',
        { 'content-type': 'application/x-www-form-urlencoded' },
        'user=ada',
      )
      assert.equal(await login.text(), 'welcome ada')
      assert.match(
        login.headers.get('set-cookie') ?? '',
        /^__Host-session=[^;]+; Max-Age=\d+; Path=\/; Secure; HttpOnly; SameSite=Lax$/,
      )
      let jar = nextCookie(login)

      assert.equal(
        await (await fetch(`${server.url}/me`, { headers: { cookie: jar } })).text(),
        'ada',
      )
      for (const expected of ['1', '2']) {
        const update = await post('/count', { cookie: jar })
        assert.equal(await update.text(), expected)
        jar = nextCookie(update, jar)
      }

      const logout = await post('/logout', { cookie: jar })
      assert.equal(await logout.text(), 'bye')
      assert.match(logout.headers.get('set-cookie') ?? '', /^__Host-session=; Max-Age=0/)
      jar = nextCookie(logout, jar)
      assert.equal(jar, '')
      assert.equal(
        await (await fetch(`${server.url}/me`, { headers: { cookie: jar } })).text(),
        'guest',
      )
    })

    test('login, read, update and logout carry the session in a Bearer token', async () => {
      const login = await post('/api/login', {}, 'user=grace')
      assert.equal(await login.text(), 'welcome grace')
      assert.equal(login.headers.get('set-cookie'), null)
      let token = login.headers.get('x-session-token') ?? ''
      assert.match(token, /^[\w-]+\.[\w-]+$/)
      const bearer = () => ({ authorization: `Bearer ${token}` })

      assert.equal(
        await (await fetch(`${server.url}/api/me`, { headers: bearer() })).text(),
        'grace',
      )
      const update = await post('/api/count', bearer())
      assert.equal(await update.text(), '1')
      token = update.headers.get('x-session-token') ?? ''
      assert.equal(await (await post('/api/count', bearer())).text(), '2')

      const logout = await post('/api/logout', bearer())
      assert.equal(await logout.text(), 'bye')
      assert.equal(logout.headers.get('x-session-token'), '')
      assert.equal(await (await fetch(`${server.url}/api/me`)).text(), 'guest')
    })

    if (!name.startsWith('node')) {
      test('a WebSocket upgrade passes through and the socket knows the session', async () => {
        const login = await post('/login', {}, 'user=ada')
        assert.equal(await webSocketHello(server.url, nextCookie(login)), 'hello ada')
        assert.equal(await webSocketHello(server.url, ''), 'hello guest')
      })
    }
  })
}

/** Opens a WebSocket to `/ws` with a Cookie header and returns the server's first text message. */
function webSocketHello(base: string, jar: string): Promise<string> {
  const { hostname, port } = new URL(base)
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      hostname,
      port,
      path: '/ws',
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': btoa('fetch-session-ws'),
        ...(jar ? { cookie: jar } : {}),
      },
    })
    req.setTimeout(10_000, () => req.destroy(new Error('no WebSocket message within 10 s')))
    req.on('response', (res) => reject(new Error(`no upgrade: ${res.statusCode}`)))
    req.on('error', reject)
    req.on('upgrade', (_res, socket, head) => {
      let frame = head
      const tryRead = () => {
        // One unmasked server text frame shorter than 126 bytes: 0x81, length, payload.
        if (frame.length < 2 || frame.length < 2 + (frame[1]! & 0x7f)) return
        socket.destroy()
        if (frame[0] !== 0x81) reject(new Error(`unexpected frame ${frame[0]}`))
        else resolve(frame.subarray(2, 2 + (frame[1]! & 0x7f)).toString())
      }
      socket.on('data', (chunk: Buffer) => {
        frame = Buffer.concat([frame, chunk])
        tryRead()
      })
      tryRead()
    })
    req.end()
  })
}
