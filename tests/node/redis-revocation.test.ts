/**
 * redisStore under storeCodec's snapshot and encryption at rest, on a real redis-server: the
 * conformance suite with both on, ciphertext in Redis, and revocation across two codec instances
 * (two processes' worth of state, each its own connections and clock) with pub/sub and without.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createClient } from 'redis'
import { redisStore } from '../../src/index.ts'
import { fixedClock, storeConformance } from '../../src/testing.ts'
import { type RedisServer, redisServerMissing, startRedis } from '../fixtures/redis-server.ts'
import { idOf, storeApp } from '../fixtures/stores.ts'

type Client = ReturnType<typeof createClient>
const KEY = 'an-encryption-key-of-at-least-32-bytes'
const MARKER = 'marker-5be1d0'
const missing = redisServerMissing()

/** Polls `check` until it holds, up to `ms` of real time; returns the time it took. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now()
  while (!(await check())) {
    assert.ok(Date.now() - started < ms, `not within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return Date.now() - started
}

describe('redisStore with snapshot and encrypt', { skip: missing }, () => {
  let server: RedisServer
  const clients: Client[] = []
  let prefixes = 0
  const connect = async (subscriber = false) => {
    const client = await createClient({ url: server.url }).connect()
    clients.push(client)
    return subscriber
      ? client
          .duplicate()
          .connect()
          .then((sub) => {
            clients.push(sub)
            return sub
          })
      : client
  }

  before(async () => {
    server = await startRedis()
    clients.push(await createClient({ url: server.url }).connect())
  })
  after(async () => {
    for (const client of clients) client.destroy()
    await server?.stop()
  })

  storeConformance(
    () => {
      const prefix = `snap${prefixes++}:`
      const client = clients[0]!
      return {
        store: redisStore(client, { prefix }),
        ttl: async (id) => {
          const ttl = await client.ttl(prefix + id)
          return ttl < 0 ? undefined : ttl
        },
      }
    },
    { test, codec: { snapshot: 300, encrypt: KEY } },
  )

  test('Redis holds no plaintext of a marker value, in the record or the user index', async () => {
    const client = clients[0]!
    const index = (data: Record<string, unknown>) =>
      typeof data.user === 'string' ? { user: data.user, info: { device: data.device } } : undefined
    const app = storeApp(redisStore(client, { prefix: 'raw:' }), { encrypt: KEY, index })
    const { jar } = await app.send(`/set?user=ada&device=${MARKER}&note=${MARKER}`)
    const raw = JSON.stringify([
      await client.hGetAll(`raw:${idOf(jar)}`),
      await client.hGetAll('raw:user:ada'),
      await client.sendCommand(['DUMP', `raw:${idOf(jar)}`]),
    ])
    assert.ok(raw.includes('=note'), 'the record is there')
    assert.ok(!raw.includes(MARKER), raw)
    assert.equal((await app.send('/read', jar)).body.data.note, MARKER)
  })

  for (const pubsub of [true, false]) {
    test(`two codec instances ${pubsub ? 'with' : 'without'} pub/sub: the revocation bound`, async () => {
      const prefix = `two${prefixes++}:`
      const make = async () => {
        const client = await connect()
        const subscriber = pubsub ? await connect(true) : undefined
        const clock = fixedClock()
        const store = redisStore(client, { prefix, subscriber })
        return { clock, app: storeApp(store, { secrets: KEY, snapshot: 30, now: clock.now }) }
      }
      const one = await make()
      const two = await make()
      const live = async (jar: string) => !(await two.app.send('/read', jar)).body.isNew
      const sessions = await Promise.all([1, 2, 3].map((n) => one.app.send(`/set?user=u${n}`)))
      for (const { jar } of sessions) assert.ok(await live(jar), 'two answers from the snapshot')
      await one.app.send('/destroy', sessions[0]!.jar)
      await one.app.send('/regenerate', sessions[1]!.jar)
      await one.app.send('/set?user=changed', sessions[2]!.jar)
      for (const { jar } of sessions.slice(0, 2)) {
        if (pubsub) {
          const took = await within(1000, async () => !(await live(jar)))
          assert.ok(took < 1000)
        } else {
          assert.equal(await live(jar), true, 'without pub/sub: still answered inside the window')
        }
      }
      if (pubsub) {
        await within(1000, async () => {
          const { body } = await two.app.send('/read', sessions[2]!.jar)
          return body.data.user === 'changed'
        })
      }
      // Past the window every process reads the store: the bound is `snapshot` seconds.
      two.clock.advance(31)
      for (const { jar } of sessions.slice(0, 2)) assert.equal(await live(jar), false)
      assert.equal((await two.app.send('/read', sessions[2]!.jar)).body.data.user, 'changed')
    })
  }
})
