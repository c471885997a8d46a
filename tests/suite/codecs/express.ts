/** expressSessionCodec: cookies cookie-signature signed and a connect-redis record, on every runtime. */
import assert from 'node:assert/strict'
import {
  cookie,
  DecodeError,
  expressSessionCodec,
  getSession,
  SessionError,
  withSession,
} from '../../../src/index.ts'
import { nextCookie, request } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'
import vectors from '../../vectors/express.json' with { type: 'json' }

const test = suite('expressSessionCodec')

/**
 * Enough of Redis for the codec: GET, TIME, SET … EX, DEL, and the codec's two scripts (run by
 * EVAL after EVALSHA's NOSCRIPT): a SET … EX, only over an existing key when asked, and a DEL.
 * The last TTL is kept; `state` makes it fail or stall.
 */
function fakeRedis() {
  const values = new Map<string, string>()
  const ttls = new Map<string, number>()
  const state = { down: false, stalled: false, signals: [] as AbortSignal[] }
  return {
    values,
    ttls,
    state,
    async sendCommand(
      [command, ...args]: string[],
      options?: { abortSignal?: AbortSignal },
    ): Promise<unknown> {
      if (options?.abortSignal) state.signals.push(options.abortSignal)
      if (state.down)
        throw Object.assign(new Error('The client is closed'), { name: 'ClientOfflineError' })
      if (state.stalled) return new Promise(() => {})
      if (command === 'GET') return values.get(args[0]!) ?? null
      if (command === 'TIME') return [String(Math.floor(Date.now() / 1000)), '0']
      // Plain SET … EX and DEL, as connect-redis sends them.
      if (command === 'SET')
        return values.set(args[0]!, args[1]!) && ttls.set(args[0]!, Number(args[3])) && 'OK'
      if (command === 'DEL') return Number(values.delete(args[0]!))
      if (command === 'EVALSHA') throw new Error('NOSCRIPT No matching script')
      if (command !== 'EVAL') throw new Error(`unexpected ${command}`)
      const [source, , key, , value, ttl, existing] = args as [string, ...string[]]
      if (source.includes("'DEL'")) return Number(values.delete(key!))
      if (existing === '1' && !values.has(key!)) return 0
      values.set(key!, value!)
      ttls.set(key!, Number(ttl))
      return 1
    },
  }
}

test('reads the session behind every connect.sid that cookie-signature signed', async () => {
  for (const { secret, id, value } of vectors.cookies) {
    const client = fakeRedis()
    client.values.set(`sess:${id}`, vectors.record)
    const codec = expressSessionCodec({
      secret,
      client,
      now: () => Date.parse(vectors.expires) - 1000,
    })
    const session = await codec.decodeSession(value)
    assert.deepEqual(session.data, { user: 'ana' })
    assert.equal(session.id, id)
    assert.equal(session.maxAge, 3600)
  }
})

test('writes connect.sid byte for byte as express-session does', async () => {
  for (const { secret, id, value } of vectors.cookies) {
    const codec = expressSessionCodec({ secret, client: fakeRedis() })
    assert.equal((await codec.encodeSession({ user: 'ana' }, { id })).token, value)
  }
})

test('writes back the record as connect-redis stores it: the cookie object kept, touched, and its TTL', async () => {
  const { secret, id, value } = vectors.cookies[0]!
  const client = fakeRedis()
  client.values.set(`sess:${id}`, vectors.record.replace('"ana"', '"old"'))
  const touched = Date.parse(vectors.expires) - 3_600_000
  const codec = expressSessionCodec({ secret, client, now: () => touched - 60_000 })
  const previous = await codec.decodeSession(value)
  const later = expressSessionCodec({ secret, client, now: () => touched })
  await later.encodeSession({ user: 'ana' }, { previous })
  assert.equal(client.values.get(`sess:${id}`), vectors.record)
  assert.equal(client.ttls.get(`sess:${id}`), 3600)
})

test('an unknown id, an expired record, a bad signature and garbage are turned down', async () => {
  const { secret, id, value } = vectors.cookies[0]!
  const client = fakeRedis()
  const codec = expressSessionCodec({ secret, client, now: () => Date.parse(vectors.expires) })
  const reason = (token: string) =>
    codec.decode(token).then(
      () => 'ok',
      (e: DecodeError) => e.reason,
    )
  assert.equal(await reason(value), 'unknown')
  client.values.set(`sess:${id}`, vectors.record)
  assert.equal(await reason(value), 'expired')
  assert.equal(await reason(value.replace(/.%2F|..$/, 'AA')), 'signature')
  assert.equal(await reason(`s%3A${id}`), 'malformed')
  assert.equal(await reason('%E0%A4%A'), 'malformed')
  assert.equal(await reason(id), 'malformed')
})

test('destroy deletes the record; an older secret reads and asks for re-issue', async () => {
  const [first, , , other] = vectors.cookies
  const client = fakeRedis()
  client.values.set(`sess:${first!.id}`, vectors.record)
  const codec = expressSessionCodec({
    secret: [other!.secret, first!.secret],
    client,
    now: () => 0,
  })
  assert.equal((await codec.decodeSession(first!.value)).renew, true)
  await codec.destroy!(first!.value)
  assert.equal(client.values.size, 0)
})

test('options are checked at construction; "cookie" in the data is refused on write', async () => {
  const client = fakeRedis()
  assert.throws(
    () => expressSessionCodec({ secret: '', client }),
    (e: unknown) => e instanceof SessionError && e.message.includes('secret'),
  )
  assert.throws(() => expressSessionCodec({ secret: 's', client: {} as typeof client }), /client/)
  assert.throws(() => expressSessionCodec({ secret: 's', client, ttl: 0 }), /ttl/)
  assert.throws(() => expressSessionCodec({ secret: 's', client, timeout: 0 }), /timeout/)
  await assert.rejects(
    expressSessionCodec({ secret: 's', client }).encode({ cookie: 1 }),
    SessionError,
  )
})

test('connect.sid has one spelling: raw, re-encoded, padded or respelled MACs are malformed', async () => {
  const { secret, id, value } = vectors.cookies[0]!
  const client = fakeRedis()
  client.values.set(`sess:${id}`, vectors.record)
  const codec = expressSessionCodec({ secret, client, now: () => Date.parse(vectors.expires) - 1 })
  assert.deepEqual(await codec.decode(value), { user: 'ana' })
  const raw = decodeURIComponent(value)
  const mac = raw.slice(raw.lastIndexOf('.') + 1)
  // The MAC's last character carries two unused bits: another letter, the same bytes.
  const last = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.indexOf(
    mac.at(-1)!,
  )
  const loose = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'[last ^ 1]!
  const respellings = {
    'raw s:': raw,
    'lower-case %3a': value.replace('%3A', '%3a'),
    'lower-case %2f in the MAC': value.replace('%2F', '%2f'),
    'every character percent-encoded': [...raw]
      .map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
      .join(''),
    'an = padded MAC, encoded': `${value}%3D`,
    'an = padded MAC, raw': `${value}=`,
    'unused MAC bits set': `${value.slice(0, -1)}${encodeURIComponent(loose)}`,
    'an encoded dot': value.replace('.', '%2E'),
  }
  assert.ok(value.includes('%2F'))
  for (const [name, token] of Object.entries(respellings)) {
    assert.notEqual(token, value, name)
    await assert.rejects(
      codec.decode(token),
      (e: unknown) => e instanceof DecodeError && e.reason === 'malformed',
      name,
    )
  }
})

test('a write that races a logout never brings the session back; its own change moves to a new id', async () => {
  const client = fakeRedis()
  const codec = expressSessionCodec({ secret: 'k', client })
  const token = await codec.encode({ user: 'ana', cart: [] })
  const id = decodeURIComponent(token).slice(2).split('.')[0]
  const writer = await codec.decodeSession(token)
  await codec.destroy!(token)
  const written = await codec.encodeSession({ user: 'ana', cart: ['book'] }, { previous: writer })
  assert.equal(client.values.has(`sess:${id}`), false, 'the destroyed record stays gone')
  assert.notEqual(written.id, id)
  assert.deepEqual(await codec.decode(written.token), { cart: ['book'] })
  await assert.rejects(codec.decode(token), (e: unknown) => (e as DecodeError).reason === 'unknown')
})

test('through withSession: a logout committed while another request of the session was running holds', async () => {
  const client = fakeRedis()
  let loaded!: () => void
  let release!: () => void
  const isLoaded = new Promise<void>((resolve) => (loaded = resolve))
  const released = new Promise<void>((resolve) => (release = resolve))
  const handler = withSession(
    async (req: Request) => {
      const session = await getSession(req)
      const path = new URL(req.url).pathname
      if (path === '/login') session.set('user', 'ana')
      if (path === '/logout') session.destroy()
      if (path === '/slow') {
        loaded()
        await released
        session.set('theme', 'dark')
      }
      return Response.json(session.toJSON())
    },
    { codec: expressSessionCodec({ secret: 'k', client }), ...cookie({ name: 'connect.sid' }) },
  )
  const login = await handler(request('', {}, 'http://localhost/login'))
  const jar = nextCookie(login)
  const slow = handler(request(jar, {}, 'http://localhost/slow'))
  await isLoaded
  await handler(request(jar, {}, 'http://localhost/logout'))
  release()
  const late = await slow
  assert.equal(client.values.size, 1)
  const [stored] = [...client.values.values()]
  assert.equal(JSON.parse(stored!).user, undefined, 'the user is logged out')
  const again = await handler(request(jar, {}, 'http://localhost/'))
  assert.deepEqual(await again.json(), {}, 'the old cookie gives an empty session')
  const moved = await handler(request(nextCookie(late, jar), {}, 'http://localhost/'))
  assert.deepEqual(await moved.json(), { theme: 'dark' })
})

test('Redis down or stalled: ERR_SESSION_STORE, 503 with Retry-After, onStoreError, within the timeout', async () => {
  const client = fakeRedis()
  const codec = expressSessionCodec({ secret: 'k', client, timeout: 0.05 })
  const token = await codec.encode({ user: 'ana' })
  const heard: string[] = []
  const backends = { codec, ...cookie({ name: 'connect.sid' }) }
  const handler = withSession(async (req: Request) => {
    const session = await getSession(req)
    session.set('seen', true)
    return new Response('ok')
  }, backends)
  const reporting = withSession(
    async (req: Request) => {
      await getSession(req)
      return new Response('ok')
    },
    backends,
    {
      onStoreError: (error) => {
        heard.push(error.code)
        return new Response('later', { status: 503 })
      },
    },
  )
  const jar = `connect.sid=${token}`
  for (const fault of ['down', 'stalled'] as const) {
    client.state[fault] = true
    await assert.rejects(
      codec.decode(token),
      (e: unknown) => e instanceof SessionError && e.code === 'ERR_SESSION_STORE',
    )
    const started = Date.now()
    const response = await handler(request(jar))
    assert.equal(response.status, 503, fault)
    assert.equal(response.headers.get('retry-after'), '1')
    assert.ok(Date.now() - started < 1000, `${fault}: answered after ${Date.now() - started} ms`)
    assert.equal((await reporting(request(jar))).status, 503)
    client.state[fault] = false
  }
  assert.deepEqual(heard, ['ERR_SESSION_STORE', 'ERR_SESSION_STORE'])
  assert.ok(client.state.signals.at(-1)?.aborted, 'the stalled call was aborted')
  // A write that fails is a store failure too, never a raw client error.
  const loaded = await codec.decodeSession(token)
  client.state.down = true
  await assert.rejects(
    codec.encodeSession({ user: 'bob' }, { previous: loaded }),
    (e: unknown) => e instanceof SessionError && e.code === 'ERR_SESSION_STORE',
  )
  await assert.rejects(
    (async () => codec.destroy!(token))(),
    (e: unknown) => e instanceof SessionError && e.code === 'ERR_SESSION_STORE',
  )
})
