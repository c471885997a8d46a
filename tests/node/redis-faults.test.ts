/**
 * redisStore under faults, against a redis-server this file starts: stopped (SIGSTOP), asleep
 * (DEBUG SLEEP) and restarted. Each request must fail fast with 503 within its deadline, and no
 * write may land after its request failed. Each scenario prints one row of the fault table.
 */
import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { createClient } from 'redis'
import { redisStore } from '../../src/index.ts'
import { type RedisServer, redisServerMissing, startRedis } from '../fixtures/redis-server.ts'
import { idOf, storeApp } from '../fixtures/stores.ts'

const TIMEOUT = 0.5
const servers: RedisServer[] = []

/** The client the README recommends: errors reported, no offline queue, bounded reconnects. */
async function recommendedClient(url: string) {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 1000, reconnectStrategy: (retries) => Math.min(retries * 100, 1000) },
  })
  client.on('error', () => {})
  await client.connect()
  return client
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function row(setup: string, statuses: number[], maxMs: number, kept: string): void {
  const counts = new Map<number, number>()
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1)
  const text = [...counts].map(([status, n]) => `${n}×${status}`).join(' ')
  console.log(`fault | ${setup} | ${text} | ${maxMs} ms | ${kept}`)
}

describe('redisStore under faults', { skip: redisServerMissing() }, () => {
  after(async () => {
    for (const server of servers) await server.stop()
  })

  for (const shape of ['node-redis client', 'sendCommand adapter that ignores the signal']) {
    test(`SIGSTOP while 50 requests commit (${shape}): 503 within the deadline, nothing lands after SIGCONT`, async () => {
      const server = await startRedis()
      servers.push(server)
      const client = await recommendedClient(server.url)
      const store = redisStore(
        shape === 'node-redis client'
          ? client
          : { sendCommand: (args: string[]) => client.sendCommand(args) },
      )
      const app = storeApp(store, { timeout: TIMEOUT })
      const { jar } = await app.send('/set?user=ada')
      // Every request has read the session; Redis stops before any of them commits.
      const holds = Array.from({ length: 50 }, (_, i) => app.hold(`w${i}`))
      const sent = holds.map((_, i) => {
        const started = Date.now()
        return app
          .send(`/set?as=w${i}&k${i}=late`, jar)
          .then((r) => ({ status: r.response.status, ms: Date.now() - started }))
      })
      await Promise.all(holds.map((hold) => hold.loaded))
      server.pause()
      const released = Date.now()
      for (const hold of holds) hold.release()
      const results = await Promise.all(sent)
      const latest = Math.max(...results.map(() => Date.now() - released))
      await wait(3000 - (Date.now() - released))
      server.resume()
      // Give Redis time to run whatever reached its socket while it was stopped.
      await wait(500)
      const hash = await client.hGetAll(`session:${idOf(jar)}`)
      const landed = Object.keys(hash).filter((field) => field.startsWith('=k')).length
      row(
        `SIGSTOP 3 s, 50 writers, ${shape}, timeout ${TIMEOUT} s`,
        results.map((r) => r.status),
        latest,
        `user kept: ${hash['=user'] === '"ada"'}, late writes landed: ${landed}`,
      )
      assert.deepEqual(new Set(results.map((r) => r.status)), new Set([503]))
      assert.ok(latest < TIMEOUT * 1000 + 400, `slowest answer after ${latest} ms`)
      assert.equal(hash['=user'], '"ada"')
      assert.equal(landed, 0, 'a write that missed its deadline landed later')
      client.destroy()
    })
  }

  test('DEBUG SLEEP 2: requests fail fast, the write does not land when Redis wakes', async () => {
    const server = await startRedis(['--enable-debug-command', 'yes'])
    servers.push(server)
    const client = await recommendedClient(server.url)
    const sleeper = await recommendedClient(server.url)
    const app = storeApp(redisStore(client), { timeout: TIMEOUT })
    const { jar } = await app.send('/set?user=ada')
    const hold = app.hold('w')
    const pending = app.send('/set?as=w&theme=dark', jar)
    await hold.loaded
    const sleeping = sleeper.sendCommand(['DEBUG', 'SLEEP', '2'])
    await wait(50)
    const started = Date.now()
    hold.release()
    const { response } = await pending
    const ms = Date.now() - started
    await sleeping
    const theme = await client.hGet(`session:${idOf(jar)}`, '=theme')
    row(
      `DEBUG SLEEP 2, timeout ${TIMEOUT} s`,
      [response.status],
      ms,
      `late write landed: ${theme !== null}`,
    )
    assert.equal(response.status, 503)
    assert.ok(ms < TIMEOUT * 1000 + 400, `answered after ${ms} ms`)
    assert.equal(theme, null)
    client.destroy()
    sleeper.destroy()
  })

  test('Redis restarts: the process survives, requests fail fast meanwhile, then work again', async () => {
    const server = await startRedis()
    const client = await recommendedClient(server.url)
    const app = storeApp(redisStore(client), { timeout: TIMEOUT })
    const { jar } = await app.send('/set?user=ada')
    await server.stop()
    const statuses: number[] = []
    let slowest = 0
    for (let i = 0; i < 20; i++) {
      const started = Date.now()
      statuses.push((await app.send('/read', jar)).response.status)
      slowest = Math.max(slowest, Date.now() - started)
    }
    const again = await startRedis([], 'redis-server', 'Ready to accept connections', server.port)
    servers.push(again)
    let recovered: number | undefined
    for (let i = 0; i < 40 && recovered !== 200; i++) {
      await wait(100)
      recovered = (await app.send('/set?user=bob')).response.status
    }
    row(
      `redis-server stopped, 20 requests, restarted, timeout ${TIMEOUT} s`,
      statuses,
      slowest,
      `after restart: ${recovered} (data without persistence is gone)`,
    )
    assert.deepEqual(new Set(statuses), new Set([503]))
    assert.ok(slowest < TIMEOUT * 1000 + 400, `slowest answer after ${slowest} ms`)
    assert.equal(recovered, 200)
    client.destroy()
  })
})
