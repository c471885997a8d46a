/**
 * expressSessionCodec against a real redis-server that this file stops (SIGTERM) and stalls
 * (SIGSTOP): every request answers 503 with Retry-After within the timeout, `onStoreError` hears
 * it, and no write lands after SIGCONT. And a logout committed while another request of the same
 * session runs is not undone by that request's write. Needs redis-server; in CI its absence fails.
 */
import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { createClient } from 'redis'
import {
  cookie,
  expressSessionCodec,
  getSession,
  type SessionError,
  withSession,
} from '../../src/index.ts'
import { type RedisServer, redisServerMissing, startRedis } from '../fixtures/redis-server.ts'

const TIMEOUT = 0.5
const SECRET = 'express session secret'
const servers: RedisServer[] = []
const clients: Client[] = []
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

type Client = ReturnType<typeof createClient>

/** The README's client (errors heard, no offline queue), or node-redis's defaults (`queued`). */
async function client(url: string, queued = false): Promise<Client> {
  const redis = createClient({
    url,
    disableOfflineQueue: !queued,
    socket: { connectTimeout: 1000, reconnectStrategy: (retries) => Math.min(retries * 100, 1000) },
  })
  redis.on('error', () => {})
  clients.push(redis)
  return redis.connect()
}

/**
 * `/login` sets user, `/logout` destroys, `/set?k=v` sets keys, `/read` answers the data;
 * `?hold` waits on `hold()` after loading. With `report`, `onStoreError` records each store
 * failure in `heard` and answers 503 `report`; without, withSession's own 503 answers.
 */
function app(redis: Client, report?: string) {
  const heard: string[] = []
  const holds: { loaded: () => void; release: Promise<void> }[] = []
  const handler = withSession(
    async (req: Request) => {
      const url = new URL(req.url)
      const session = await getSession(req)
      if (url.searchParams.has('hold')) {
        const hold = holds.shift()
        hold?.loaded()
        await hold?.release
      }
      if (url.pathname === '/login') session.set('user', 'ana')
      if (url.pathname === '/logout') session.destroy()
      if (url.pathname === '/set') {
        for (const [key, value] of url.searchParams) if (key !== 'hold') session.set(key, value)
      }
      return Response.json(session.toJSON())
    },
    {
      codec: expressSessionCodec({ secret: SECRET, client: redis, timeout: TIMEOUT }),
      ...cookie({ name: 'connect.sid', secure: false }),
    },
    report === undefined
      ? {}
      : {
          onStoreError: (error: SessionError) => {
            heard.push(error.code)
            return new Response(report, { status: 503 })
          },
        },
  )
  return {
    heard,
    /** Sends `path` with `jar`; answers the response, the cookie a browser now holds, and ms. */
    async send(path: string, jar = '') {
      const started = Date.now()
      const headers = jar ? { cookie: jar } : undefined
      const response = await handler(new Request(`http://localhost${path}`, { headers }))
      const set = response.headers.getSetCookie()[0]?.split(';')[0]
      return { response, jar: set ?? jar, ms: Date.now() - started }
    },
    /** The next `?hold` request waits after loading until `release()`. */
    hold() {
      let loaded!: () => void
      let release!: () => void
      const hold = {
        loaded: new Promise<void>((resolve) => (loaded = resolve)),
        release: new Promise<void>((resolve) => (release = resolve)),
      }
      holds.push({ loaded, release: hold.release })
      return { loaded: hold.loaded, release }
    },
  }
}

const idOf = (jar: string) => decodeURIComponent(jar.split('=')[1]!).slice(2).split('.')[0]!

describe('expressSessionCodec with Redis stopped, stalled, and a logout racing a write', {
  skip: redisServerMissing(),
}, () => {
  after(async () => {
    for (const redis of clients) if (redis.isOpen) redis.destroy()
    for (const server of servers) await server.stop()
  })

  for (const queued of [false, true]) {
    test(`Redis stopped (${queued ? 'offline queue' : 'no offline queue'}): 503 with Retry-After, onStoreError hears it`, async () => {
      const server = await startRedis()
      servers.push(server)
      const redis = await client(server.url, queued)
      const site = app(redis)
      const reporting = app(redis, 'try again soon')
      const { jar } = await site.send('/login')
      await server.stop()
      for (const path of ['/read', '/set?theme=dark', '/logout', '/login']) {
        const { response, ms } = await site.send(path, path === '/login' ? '' : jar)
        assert.equal(response.status, 503, path)
        assert.equal(response.headers.get('retry-after'), '1')
        assert.equal(response.headers.get('set-cookie'), null)
        assert.ok(ms < TIMEOUT * 1000 + 400, `${path} answered after ${ms} ms`)
        const heard = await reporting.send(path, path === '/login' ? '' : jar)
        assert.equal(await heard.response.text(), 'try again soon')
      }
      assert.deepEqual(reporting.heard, Array(4).fill('ERR_SESSION_STORE'))
    })
  }

  test('Redis SIGSTOPped while 20 requests commit: 503 within the timeout, nothing lands after SIGCONT', async () => {
    const server = await startRedis()
    servers.push(server)
    const redis = await client(server.url)
    const watcher = await client(server.url)
    const site = app(redis)
    const { jar } = await site.send('/login')
    const before = await watcher.get(`sess:${idOf(jar)}`)
    const holds = Array.from({ length: 20 }, () => site.hold())
    const sent = holds.map((_, i) => site.send(`/set?hold&k${i}=late`, jar))
    await Promise.all(holds.map((hold) => hold.loaded))
    server.pause()
    for (const hold of holds) hold.release()
    const results = await Promise.all(sent)
    await wait(1500)
    server.resume()
    // Give Redis time to run whatever reached its socket while it was stopped.
    await wait(500)
    assert.deepEqual(new Set(results.map((r) => r.response.status)), new Set([503]))
    const slowest = Math.max(...results.map((r) => r.ms))
    assert.ok(slowest < TIMEOUT * 1000 + 400, `slowest answer after ${slowest} ms`)
    assert.equal(await watcher.get(`sess:${idOf(jar)}`), before, 'a late write landed')
  })

  test('a logout committed while another request of the session runs stays a logout', async () => {
    const server = await startRedis()
    servers.push(server)
    const redis = await client(server.url)
    const site = app(redis)
    const { jar } = await site.send('/login')
    const hold = site.hold()
    const slow = site.send('/set?hold&theme=dark', jar)
    await hold.loaded
    const logout = await site.send('/logout', jar)
    assert.equal(logout.response.status, 200)
    hold.release()
    const late = await slow
    assert.equal(late.response.status, 200)
    assert.equal(await redis.get(`sess:${idOf(jar)}`), null, 'the logged-out record stays gone')
    assert.deepEqual(await (await site.send('/read', jar)).response.json(), {})
    assert.notEqual(idOf(late.jar), idOf(jar))
    const moved = await site.send('/read', late.jar)
    assert.deepEqual(await moved.response.json(), { theme: 'dark' }, 'only its own change moved')
  })
})
