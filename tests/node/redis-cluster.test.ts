/**
 * redisStore on node-redis's cluster client against a real local 3-master Redis Cluster: the store
 * suite, 100 concurrent writers, and a live reshard of 5461 slots while they commit.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createCluster } from 'redis'
import { redisStore, SessionError } from '../../src/index.ts'
import { storeConformance } from '../../src/testing.ts'
import { race } from '../fixtures/race.ts'
import { type RedisCluster, redisCli, startCluster } from '../fixtures/redis-cluster.ts'
import { redisServerMissing } from '../fixtures/redis-server.ts'

describe('redisStore on Redis Cluster', { skip: redisServerMissing() }, () => {
  let cluster: RedisCluster
  let client: ReturnType<typeof createCluster>
  let prefixes = 0

  before(async () => {
    cluster = await startCluster()
    client = createCluster({
      rootNodes: [{ url: `redis://127.0.0.1:${cluster.nodes[0]!.port}` }],
      defaults: { disableOfflineQueue: true },
    })
    client.on('error', () => {})
    await client.connect()
  })
  after(async () => {
    client?.destroy()
    await cluster?.stop()
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

  test('sessions spread over every master', async () => {
    const store = redisStore(client, { prefix: 'spread:' })
    const record = { created: 1, touched: 1, values: { n: '1' } }
    for (let i = 0; i < 30; i++) await store.set(`s${i}`, record, 600)
    const counts = await Promise.all(
      cluster.nodes.map(async (node) =>
        Number(await redisCli(['-p', String(node.port), 'dbsize'])),
      ),
    )
    assert.ok(
      counts.every((count) => count > 0),
      `keys per master: ${counts.join(', ')}`,
    )
  })

  test('100 simultaneous writers to one session: all 100 keys kept', async () => {
    const { kept, statuses } = await race(redisStore(client, { prefix: 'race:' }), 100)
    assert.deepEqual(new Set(statuses), new Set([200]))
    assert.equal(kept, 100)
  })

  test('100 writers during a live reshard of 5461 slots: every request 200, every key kept', async () => {
    const [from, to] = await Promise.all(
      cluster.nodes
        .slice(0, 2)
        .map(async (node) => (await redisCli(['-p', String(node.port), 'cluster', 'myid'])).trim()),
    )
    const reshard = () =>
      redisCli([
        '--cluster',
        'reshard',
        `127.0.0.1:${cluster.nodes[0]!.port}`,
        '--cluster-from',
        from!,
        '--cluster-to',
        to!,
        '--cluster-slots',
        '5461',
        '--cluster-pipeline',
        '10',
        '--cluster-yes',
      ])
    const store = redisStore(client, { prefix: 'reshard:' })
    // Sessions in every slot range, so the reshard moves some of them.
    const record = { created: 1, touched: 1, values: { n: '1' } }
    for (let i = 0; i < 200; i++) await store.set(`pre${i}`, record, 600)
    const { kept, statuses } = await race(store, 100, reshard)
    for (let i = 0; i < 200; i++) assert.ok(await store.get(`pre${i}`), `pre${i} kept`)
    const owned = await redisCli(['-p', String(cluster.nodes[0]!.port), 'cluster', 'nodes'])
    console.log(`reshard: ${statuses.length} requests, ${kept} keys kept`)
    assert.deepEqual(new Set(statuses), new Set([200]))
    assert.equal(kept, 100)
    // Every slot of the first master moved to the second while the writers committed.
    assert.match(owned, new RegExp(`^${to} .* connected 0-10922$`, 'm'))
  })

  test('a client of no known shape is ERR_SESSION_CONFIG at construction', () => {
    assert.throws(
      () => redisStore({ call: () => undefined } as never),
      (error: unknown) => error instanceof SessionError && error.code === 'ERR_SESSION_CONFIG',
    )
  })
})
