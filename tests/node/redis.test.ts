/** redisStore against a real redis-server that this file starts and stops. */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { after, before, describe, test } from 'node:test'
import { createClient } from 'redis'
import { redisStore, SessionError } from '../../src/index.ts'
import { storeConformance } from '../../src/testing.ts'
import { bin } from '../fixtures/frameworks.ts'
import { type RedisServer, redisServerMissing, startRedis } from '../fixtures/redis-server.ts'
import { idOf, storeApp } from '../fixtures/stores.ts'

type Client = ReturnType<typeof createClient>

const missing = redisServerMissing()

describe('redisStore', { skip: missing }, () => {
  let server: RedisServer
  let client: Client
  let prefixes = 0

  before(async () => {
    server = await startRedis()
    client = await createClient({ url: server.url }).connect()
  })
  after(async () => {
    client?.destroy()
    await server?.stop()
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

  test('a session is one hash: times plus one field per key, with the TTL Redis reports', async () => {
    const app = storeApp(redisStore(client, { prefix: 'layout:' }), { idleTimeout: 1800 })
    const { jar } = await app.send('/set?user=ada&theme=dark')
    const hash = await client.hGetAll(`layout:${idOf(jar)}`)
    assert.deepEqual(Object.keys(hash).sort(), ['=theme', '=user', 'c', 't'])
    assert.equal(hash['=user'], '"ada"')
    assert.equal(await client.ttl(`layout:${idOf(jar)}`), 1801, 'a second past the deadline')
  })

  test('a session without any lifetime has no TTL', async () => {
    const app = storeApp(redisStore(client, { prefix: 'forever:' }), { maxAge: null })
    const { jar } = await app.send('/set?user=ada')
    assert.equal(await client.ttl(`forever:${idOf(jar)}`), -1)
  })

  test('set over an existing record replaces it whole: old keys, lifetime and TTL gone', async () => {
    const store = redisStore(client, { prefix: 'replace:' })
    await store.set('s', { created: 1, touched: 2, maxAge: 60, values: { a: '1', b: '2' } }, 600)
    await store.set('s', { created: 3, touched: 4, values: { b: '3', c: '4' } }, undefined)
    assert.deepEqual(
      { ...(await client.hGetAll('replace:s')) },
      { c: '3', t: '4', '=b': '3', '=c': '4' },
    )
    assert.equal(await client.ttl('replace:s'), -1)
  })

  test('scripts are reloaded after SCRIPT FLUSH', async () => {
    const app = storeApp(redisStore(client, { prefix: 'flush:' }))
    const { jar } = await app.send('/set?a=1')
    await client.scriptFlush()
    await app.send('/set?a=2', jar)
    assert.equal(await client.hGet(`flush:${idOf(jar)}`, '=a'), '"2"')
  })

  test('replicas: a write that no replica confirms in time is a 503, not a 200', async () => {
    // This server has no replica, so WAIT 1 times out.
    const waiting = redisStore(client, { prefix: 'wait:', replicas: 1, replicaTimeout: 0.05 })
    const started = Date.now()
    const { response } = await storeApp(waiting).send('/set?user=ada')
    assert.equal(response.status, 503)
    assert.ok(Date.now() - started < 1000, 'answered after the replica timeout, not the deadline')
    const plain = await storeApp(redisStore(client, { prefix: 'wait:' })).send('/set?user=ada')
    assert.equal(plain.response.status, 200)
  })

  test('replicas and replicaTimeout are checked at construction', () => {
    for (const options of [
      { replicas: -1 },
      { replicas: 1.5 },
      { replicas: '1' },
      { replicaTimeout: 0 },
      { replicaTimeout: 61 },
      { replicaTimeout: '1' },
    ]) {
      assert.throws(
        () => redisStore(client, options as never),
        (error: unknown) => error instanceof SessionError && error.code === 'ERR_SESSION_CONFIG',
        JSON.stringify(options),
      )
    }
  })

  test('a Redis that went away fails the request', async () => {
    const doomed = await startRedis()
    const lost = createClient({
      url: doomed.url,
      disableOfflineQueue: true,
      socket: { reconnectStrategy: false },
    })
    lost.on('error', () => {})
    await lost.connect()
    const app = storeApp(redisStore(lost))
    const { jar } = await app.send('/set?user=ada')
    await doomed.stop()
    const { response } = await app.send('/read', jar)
    assert.equal(response.status, 503)
    assert.deepEqual(app.invalid, [])
  })

  test("works with Bun's built-in RedisClient", async () => {
    const source = new URL('../../src/index.ts', import.meta.url).href
    const script = `
      import { RedisClient } from 'bun'
      import { redisStore } from ${JSON.stringify(source)}
      const client = new RedisClient(${JSON.stringify(server.url)})
      const store = redisStore(client, { prefix: 'bun:' })
      await store.set('s1', { created: 10, touched: 10, values: { user: '"ada"', n: '1' } }, 120)
      const patched = await store.patch('s1', { touched: 20, set: { n: '2' }, delete: ['user'] }, 90)
      const missing = await store.patch('s2', { touched: 20, set: { n: '2' }, delete: [] }, 90)
      const got = await store.get('s1')
      const ttl = await client.send('TTL', ['bun:s1'])
      await store.delete('s1')
      console.log(JSON.stringify({ patched, missing, got, ttl, gone: (await store.get('s1')) ?? null }))
      client.close()
    `
    const bun = bin('bun')
    const child = spawn(bun, ['--eval', script], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    child.stderr.on('data', (chunk) => (err += chunk))
    const code = await new Promise((resolve) => child.on('close', resolve))
    assert.equal(code, 0, err)
    assert.deepEqual(JSON.parse(out), {
      patched: true,
      missing: false,
      got: { created: 10, touched: 20, values: { n: '2' } },
      ttl: 90,
      gone: null,
    })
  })
})
