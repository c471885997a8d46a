/**
 * Many simultaneous requests through a real HTTP server (@hono/node-server on loopback), each
 * setting a different key of one Redis-backed session: none may be lost.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createClient } from 'redis'
import type { SessionStore } from '../../src/index.ts'
import { redisStore } from '../../src/index.ts'
import { race } from '../fixtures/race.ts'
import { type RedisServer, redisServerMissing, startRedis } from '../fixtures/redis-server.ts'

const REQUESTS = 120

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
    const { kept, overlapped, statuses } = await race(
      redisStore(client, { prefix: 'race:' }),
      REQUESTS,
    )
    assert.deepEqual(new Set(statuses), new Set([200]))
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
    const { kept } = await race(naive, REQUESTS)
    console.log(`read-modify-write control: ${REQUESTS} requests, ${kept} keys kept`)
    assert.ok(kept < REQUESTS)
  })
})
