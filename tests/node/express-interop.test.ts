/**
 * expressSessionCodec against a real Express app (express-session + connect-redis) over one real
 * Redis: a login made on either side is read, changed and ended on the other, over HTTP, from one
 * `connect.sid` cookie. Needs redis-server; in CI its absence fails the run.
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createClient } from 'redis'
import { DecodeError, expressSessionCodec } from '../../src/index.ts'
import { freePort, Jar, sessionServer, waitFor } from '../fixtures/interop-http.ts'
import { type RedisServer, redisServerMissing, startRedis } from '../fixtures/redis-server.ts'

const missing = redisServerMissing()
const SECRET = 'express session secret, newest'
const OLD_SECRET = 'express session secret, older'
const app = fileURLToPath(new URL('../fixtures/interop/express_app.mjs', import.meta.url))

describe('an Express app (express-session, connect-redis) and a fetch-session app share logins', {
  skip: missing,
}, () => {
  let redis: RedisServer
  let client: ReturnType<typeof createClient>
  let express: ChildProcess
  let theirs = ''
  let ours = { origin: '', stop: () => {} }

  before(async () => {
    redis = await startRedis()
    client = await createClient({ url: redis.url }).connect()
    const port = await freePort()
    express = spawn(process.execPath, [app], {
      env: {
        ...process.env,
        PORT: String(port),
        REDIS_URL: redis.url,
        SESSION_SECRETS: JSON.stringify([SECRET, OLD_SECRET]),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let log = ''
    express.stderr!.on('data', (chunk) => {
      log += chunk
    })
    theirs = `http://127.0.0.1:${port}`
    await waitFor(
      `${theirs}/session`,
      () => express.exitCode === null,
      () => log,
    )
    const codec = expressSessionCodec({ secret: [SECRET, OLD_SECRET], client })
    ours = await sessionServer(codec, 'connect.sid')
  })

  after(async () => {
    ours.stop()
    if (express && express.exitCode === null) {
      express.kill('SIGTERM')
      await once(express, 'exit')
    }
    await client?.quit()
    await redis?.stop()
  })

  test('set by Express, read and changed here, read there, ended here', async () => {
    const jar = new Jar('connect.sid')
    const data = { user: 'zoë', cart: ['東京', 1.5] }
    assert.deepEqual(await jar.call(`${theirs}/session`, data), data)
    const sid = jar.value
    assert.match(String(sid), /^s%3A[\w-]{32}\.[\w%]+$/)
    assert.deepEqual(await jar.call(`${ours.origin}/session`), data)
    assert.deepEqual(await jar.call(`${ours.origin}/session`, { visits: 2 }), {
      ...data,
      visits: 2,
    })
    assert.equal(jar.value, sid, 'the same session id and cookie')
    const raw = (await jar.call(`${theirs}/raw`)) as { cookie: Record<string, unknown> }
    assert.equal(raw.cookie.originalMaxAge, 3600_000)
    assert.equal(raw.cookie.sameSite, 'lax')
    assert.deepEqual(await jar.call(`${theirs}/session`, { cart: null }), {
      user: 'zoë',
      visits: 2,
    })
    assert.deepEqual(await jar.call(`${ours.origin}/clear`, {}), {})
    assert.equal(jar.value, undefined)
    const id = decodeURIComponent(String(sid)).slice(2).split('.')[0]
    assert.equal(await client.get(`sess:${id}`), null)
    jar.value = sid
    assert.deepEqual(await jar.call(`${theirs}/session`), {})
  })

  test('set here, read and changed by Express, read here, ended by Express', async () => {
    const jar = new Jar('connect.sid')
    assert.deepEqual(await jar.call(`${ours.origin}/session`, { user: 'ana' }), { user: 'ana' })
    const id = decodeURIComponent(String(jar.value)).slice(2).split('.')[0]!
    const stored = JSON.parse(String(await client.get(`sess:${id}`)))
    assert.deepEqual(stored, {
      cookie: { originalMaxAge: null, httpOnly: true, path: '/' },
      user: 'ana',
    })
    assert.equal(await client.ttl(`sess:${id}`), 86400)
    assert.deepEqual(await jar.call(`${theirs}/session`, { role: 'admin' }), {
      user: 'ana',
      role: 'admin',
    })
    assert.deepEqual(await jar.call(`${ours.origin}/session`), { user: 'ana', role: 'admin' })
    assert.deepEqual(await jar.call(`${theirs}/clear`, {}), {})
    assert.equal(jar.value, undefined)
    assert.deepEqual(await jar.call(`${ours.origin}/session`), {})
  })

  test('rotation: a cookie under the older secret is read by both and re-signed here', async () => {
    const old = expressSessionCodec({ secret: OLD_SECRET, client })
    const jar = new Jar('connect.sid')
    jar.value = await old.encode({ user: 'ana' })
    assert.deepEqual(await jar.call(`${theirs}/session`), { user: 'ana' })
    const before = jar.value
    assert.deepEqual(await jar.call(`${ours.origin}/session`), { user: 'ana' })
    assert.notEqual(jar.value, before, 're-issued under the newest secret')
    const newest = expressSessionCodec({ secret: SECRET, client })
    assert.deepEqual(await newest.decode(String(jar.value)), { user: 'ana' })
    await assert.rejects(
      expressSessionCodec({ secret: 'another secret', client }).decode(String(jar.value)),
      (error: unknown) => error instanceof DecodeError && error.reason === 'signature',
    )
  })
})
