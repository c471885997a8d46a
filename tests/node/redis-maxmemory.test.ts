/**
 * redisStore against a Redis at its `maxmemory`, under each eviction policy: 100 idle users and 20
 * active ones log in, then 2,000 new logins arrive while the active users keep writing. Under
 * `noeviction` new sessions must be refused with 503 at the limit (never written), nobody logged
 * out; under the evicting policies every login is a 200 and the users pay for it. Prints one row of
 * the eviction table in docs/stores.md per policy.
 */
import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { createClient } from 'redis'
import { redisStore } from '../../src/index.ts'
import { type RedisServer, redisServerMissing, startRedis } from '../fixtures/redis-server.ts'
import { storeApp } from '../fixtures/stores.ts'

const LIMIT = 2 * 1024 * 1024
const IDLE = 100
const ACTIVE = 20
const FLOOD = 2000
/** A login writes a profile of about 1 KB, as an app keeps a user's name, roles and settings. */
const PROFILE = 'p'.repeat(1000)

interface Outcome {
  logins: { ok: number; refused: number }
  activeWrites: { ok: number; refused: number; loggedOut: number }
  idleLoggedOut: number
  activeLoggedOut: number
  usedMemory: number
}

const servers: RedisServer[] = []

async function underPressure(policy: string): Promise<Outcome> {
  const server = await startRedis(['--maxmemory', String(LIMIT), '--maxmemory-policy', policy])
  servers.push(server)
  const client = createClient({ url: server.url, disableOfflineQueue: true })
  client.on('error', () => {})
  await client.connect()
  const app = storeApp(redisStore(client), { timeout: 1, idleTimeout: 3600 })
  const login = (name: string) => app.send(`/set?user=${name}&profile=${PROFILE}`)
  const idle: string[] = []
  const active: string[] = []
  for (let i = 0; i < IDLE; i++) idle.push((await login(`idle${i}`)).jar)
  for (let i = 0; i < ACTIVE; i++) active.push((await login(`active${i}`)).jar)
  const outcome: Outcome = {
    logins: { ok: 0, refused: 0 },
    activeWrites: { ok: 0, refused: 0, loggedOut: 0 },
    idleLoggedOut: 0,
    activeLoggedOut: 0,
    usedMemory: 0,
  }
  for (let i = 0; i < FLOOD; i++) {
    const { response } = await login(`new${i}`)
    if (response.status === 200) outcome.logins.ok++
    else if (response.status === 503) outcome.logins.refused++
    if (i % 50 !== 49) continue
    for (const [n, jar] of active.entries()) {
      const { response, body, jar: next } = await app.send(`/set?seen=${i}`, jar)
      if (response.status === 503) outcome.activeWrites.refused++
      else if (body.isNew) {
        outcome.activeWrites.loggedOut++
        active[n] = next
      } else outcome.activeWrites.ok++
    }
  }
  const loggedOut = async (jar: string) => (await app.send('/read', jar)).body.isNew
  for (const jar of idle) if (await loggedOut(jar)) outcome.idleLoggedOut++
  for (const jar of active) if (await loggedOut(jar)) outcome.activeLoggedOut++
  const info = String(await client.sendCommand(['INFO', 'memory']))
  outcome.usedMemory = Number(/used_memory:(\d+)/.exec(info)![1])
  client.destroy()
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(2)
  console.log(
    `eviction | ${policy} | new logins: ${outcome.logins.ok}×200 ${outcome.logins.refused}×503 | ` +
      `idle users logged out: ${outcome.idleLoggedOut} of ${IDLE} | active users' writes: ` +
      `${outcome.activeWrites.ok}×200 ${outcome.activeWrites.refused}×503, ` +
      `${outcome.activeWrites.loggedOut} logged out | used_memory ${mb(outcome.usedMemory)} MB ` +
      `of ${mb(LIMIT)} MB`,
  )
  return outcome
}

describe('redisStore at maxmemory', { skip: redisServerMissing() }, () => {
  after(async () => {
    for (const server of servers) await server.stop()
  })

  test('noeviction: at the limit new sessions get 503 and are not written, nobody is logged out', async () => {
    const outcome = await underPressure('noeviction')
    assert.ok(outcome.logins.refused > 0, 'some logins were refused at the limit')
    assert.ok(outcome.logins.ok < FLOOD / 2, `${outcome.logins.ok} logins were written`)
    // A refused script wrote nothing: memory stays within a few sessions of the limit.
    assert.ok(outcome.usedMemory < LIMIT * 1.05, `used_memory ${outcome.usedMemory}`)
    assert.equal(outcome.idleLoggedOut, 0)
    assert.equal(outcome.activeLoggedOut, 0)
    assert.equal(outcome.activeWrites.loggedOut, 0)
  })

  for (const policy of ['allkeys-lru', 'volatile-lru', 'volatile-ttl']) {
    test(`${policy}: every login is written, memory stays bounded, idle users are logged out silently`, async () => {
      const outcome = await underPressure(policy)
      assert.equal(outcome.logins.ok, FLOOD)
      assert.ok(outcome.usedMemory < LIMIT * 1.05, `used_memory ${outcome.usedMemory}`)
      assert.ok(outcome.idleLoggedOut > 0, 'Redis evicted idle sessions to make room')
    })
  }
})
