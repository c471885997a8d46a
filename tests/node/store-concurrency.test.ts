/**
 * Many simultaneous requests through a real HTTP server (@hono/node-server on loopback), each
 * setting a different key of one Redis-backed session: none may be lost.
 */
import assert from 'node:assert/strict'
import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { serve } from '@hono/node-server'
import { createClient } from 'redis'
import type { SessionStore } from '../../src/index.ts'
import { cookie, getSession, redisStore, storeCodec, withSession } from '../../src/index.ts'
import { type RedisServer, redisServerMissing, startRedis } from '../fixtures/redis-server.ts'
import { idOf } from '../fixtures/stores.ts'

const REQUESTS = 120

/** Sends REQUESTS requests at once; each reads the session, waits for all the others, sets its key. */
async function race(store: SessionStore): Promise<{ kept: number; overlapped: number }> {
  let loaded = 0
  let overlapped = 0
  let release!: () => void
  const everyoneLoaded = new Promise<void>((resolve) => (release = resolve))
  const handler = withSession(
    async (req: Request) => {
      const session = await getSession(req)
      const key = new URL(req.url).searchParams.get('key')
      if (key === null) {
        session.set('start', true)
        return new Response('started')
      }
      overlapped = Math.max(overlapped, ++loaded)
      if (loaded === REQUESTS) release()
      // Every request has read the same record before any of them commits: the worst case.
      await everyoneLoaded
      session.set(key, true)
      return new Response('ok')
    },
    { codec: storeCodec({ store }), ...cookie() },
  )
  const server = serve({ fetch: handler, hostname: '127.0.0.1', port: 0 })
  try {
    await once(server, 'listening')
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const start = await fetch(`${base}/`)
    const jar = start.headers.getSetCookie()[0]!.split(';')[0]!
    const responses = await Promise.all(
      Array.from({ length: REQUESTS }, (_, i) =>
        fetch(`${base}/?key=k${i}`, { headers: { cookie: jar } }).then(async (response) => {
          await response.arrayBuffer()
          return response.status
        }),
      ),
    )
    assert.deepEqual(new Set(responses), new Set([200]))
    const record = await store.get(idOf(jar))
    const kept = Object.keys(record?.values ?? {}).filter((key) => key.startsWith('k')).length
    return { kept, overlapped }
  } finally {
    const http = server as Server
    http.close()
    http.closeAllConnections()
  }
}

describe('concurrent commits over HTTP', { skip: redisServerMissing() }, () => {
  let redis: RedisServer
  let client: ReturnType<typeof createClient>

  before(async () => {
    redis = await startRedis()
    client = await createClient({ url: redis.url }).connect()
  })
  after(async () => {
    client?.destroy()
    await redis?.stop()
  })

  test(`${REQUESTS} simultaneous requests setting different keys of one session lose none`, async () => {
    const { kept, overlapped } = await race(redisStore(client, { prefix: 'race:' }))
    console.log(
      `redisStore: ${REQUESTS} requests, ${overlapped} in flight at once, ${kept} keys kept`,
    )
    assert.equal(overlapped, REQUESTS)
    assert.equal(kept, REQUESTS)
  })

  test('control: a read-modify-write store loses keys under the same load', async () => {
    // The same race against a patch done as get + set proves the test creates real contention.
    const inner = redisStore(client, { prefix: 'naive:' })
    const naive: SessionStore = {
      ...inner,
      async patch(id, patch, ttl) {
        const record = await inner.get(id)
        if (record === undefined) return false
        for (const key of patch.delete) delete record.values[key]
        Object.assign(record.values, patch.set)
        await inner.set(id, { ...record, touched: patch.touched }, ttl)
        return true
      },
    }
    const { kept } = await race(naive)
    console.log(`read-modify-write control: ${REQUESTS} requests, ${kept} keys kept`)
    assert.ok(kept < REQUESTS)
  })
})
