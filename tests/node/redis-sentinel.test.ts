/** redisStore on node-redis's sentinel client against a real redis-sentinel, master and replica. */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createSentinel } from 'redis'
import { redisStore } from '../../src/index.ts'
import { storeConformance } from '../../src/testing.ts'
import { race } from '../fixtures/race.ts'
import {
  type RedisSentinelSetup,
  redisSentinelMissing,
  startSentinel,
} from '../fixtures/redis-cluster.ts'

describe('redisStore through Redis Sentinel', { skip: redisSentinelMissing() }, () => {
  let setup: RedisSentinelSetup
  let client: ReturnType<typeof createSentinel>
  let prefixes = 0

  before(async () => {
    setup = await startSentinel()
    client = createSentinel({
      name: setup.name,
      sentinelRootNodes: [{ host: '127.0.0.1', port: setup.sentinel.port }],
    })
    client.on('error', () => {})
    await client.connect()
  })
  after(async () => {
    await client?.close().catch(() => undefined)
    await setup?.stop()
  })

  storeConformance(
    () => {
      const prefix = `suite${prefixes++}:`
      return {
        store: redisStore(client, { prefix }),
        atomic: true,
        ttl: async (id) => {
          const ttl = await client.ttl(prefix + id)
          return ttl < 0 ? undefined : ttl
        },
      }
    },
    { test },
  )

  storeConformance(
    () => {
      const prefix = `suite${prefixes++}:`
      return {
        store: redisStore(client, { prefix }),
        atomic: true,
        ttl: async (id) => {
          const ttl = await client.ttl(prefix + id)
          return ttl < 0 ? undefined : ttl
        },
      }
    },
    {
      test: (name, fn) => test(`snapshot+encrypt: ${name}`, fn),
      codec: { snapshot: 300, encrypt: 'an-encryption-key-of-at-least-32-bytes' },
    },
  )

  test('100 simultaneous writers to one session: all 100 keys kept, on the master', async () => {
    const { kept, statuses } = await race(redisStore(client, { prefix: 'race:' }), 100)
    assert.deepEqual(new Set(statuses), new Set([200]))
    assert.equal(kept, 100)
  })
})
