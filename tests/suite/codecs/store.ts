import assert from 'node:assert/strict'
import type { SessionStore } from '../../../src/index.ts'
import {
  cookie,
  DecodeError,
  denoKvStore,
  getSession,
  kvStore,
  memoryStore,
  redisStore,
  SessionError,
  storeCodec,
  withSession,
} from '../../../src/index.ts'
import { idOf, instrument, storeApp } from '../../fixtures/stores.ts'
import { clock, nextCookie, OTHER_SECRET, request, SECRET } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('storeCodec')

const configError = (error: unknown) =>
  error instanceof SessionError && error.code === 'ERR_SESSION_CONFIG'

test('bad options fail at construction with ERR_SESSION_CONFIG', () => {
  const store = memoryStore()
  const bad: (() => unknown)[] = [
    () => storeCodec(undefined as never),
    () => storeCodec({ store: {} as SessionStore }),
    () => storeCodec({ store, secrets: 'short' }),
    () => storeCodec({ store, secrets: [] }),
    () => storeCodec({ store, maxAge: -1 }),
    () => storeCodec({ store, idleTimeout: 0 }),
    () => memoryStore({ maxEntries: 0 }),
    () => redisStore({} as never),
    () => kvStore({} as never),
    () => denoKvStore({} as never),
  ]
  for (const make of bad) assert.throws(make, configError)
  assert.throws(
    () => storeCodec({ store, secrets: 'short' }),
    (error: Error) => {
      assert.doesNotMatch(error.message, /short/)
      return true
    },
  )
})

test('ids are 128 random bits, never repeated', async () => {
  const app = storeApp(memoryStore())
  const ids = new Set<string>()
  for (let i = 0; i < 200; i++) ids.add(idOf((await app.send('/set?a=1')).jar))
  assert.equal(ids.size, 200)
  for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{21}[AQgw]$/)
})

test('malformed tokens give an empty session without a store read', async () => {
  const tools = instrument(memoryStore())
  const plain = storeApp(tools.store)
  const tagged = storeApp(tools.store, { secrets: SECRET })
  const id = 'AAAAAAAAAAAAAAAAAAAAAA'
  for (const token of [
    'x',
    `${id}A`,
    'AAAAAAAAAAAAAAAAAAAAAB',
    'AAAAAAAAAAAAAAAAAAAA+A',
    `${id}.`,
  ]) {
    assert.deepEqual((await plain.send('/read', `session=${token}`)).body, {
      isNew: true,
      data: {},
    })
  }
  for (const token of [
    id,
    `${id}.${'A'.repeat(42)}`,
    `${id}!${'A'.repeat(43)}`,
    `${id}.${'A'.repeat(42)}B`,
  ]) {
    assert.deepEqual((await tagged.send('/read', `session=${token}`)).body, {
      isNew: true,
      data: {},
    })
  }
  assert.equal(tools.counts.get, 0)
  assert.ok([...plain.invalid, ...tagged.invalid].every((reason) => reason === 'malformed'))
})

test('session.id is the store id from the request that creates the session, and new after regenerate()', async () => {
  const seen: (string | undefined)[][] = []
  const handler = withSession(
    async (req: Request) => {
      const session = await getSession<{ n: number }>(req)
      const before = session.id
      session.set('n', (session.get('n') ?? 0) + 1)
      if (new URL(req.url).pathname === '/login') session.regenerate()
      seen.push([before, session.id])
      return new Response('ok')
    },
    { codec: storeCodec({ store: memoryStore() }), ...cookie() },
  )
  const jar = nextCookie(await handler(request()))
  const [created, same] = seen[0]!
  assert.match(created ?? '', /^[A-Za-z0-9_-]{22}$/)
  assert.equal(same, created)
  assert.equal(idOf(jar), created, 'the id the handler saw is the one stored')
  await handler(request(jar))
  assert.deepEqual(seen[1], [created, created])
  const renewed = nextCookie(await handler(request(jar, {}, 'http://localhost/login')), jar)
  const [old, fresh] = seen[2]!
  assert.equal(old, created)
  assert.notEqual(fresh, created)
  assert.equal(idOf(renewed), fresh, 'regenerate() stores under the id it reported')
})

test('a token tagged with an older secret still works and is re-tagged with the newest', async () => {
  const store = memoryStore()
  const old = storeApp(store, { secrets: SECRET })
  const { jar } = await old.send('/set?user=ada')
  const tools = instrument(store)
  const rotated = storeApp(tools.store, { secrets: `${OTHER_SECRET}` })
  assert.deepEqual((await rotated.send('/read', jar)).body, { isNew: true, data: {} })
  const both = withSecrets(tools.store, [OTHER_SECRET, SECRET])
  const renewed = nextCookie(await both(request(jar)), jar)
  assert.equal(idOf(renewed), idOf(jar))
  assert.notEqual(renewed, jar)
  assert.equal(tools.counts.patch, 1)
  assert.deepEqual((await rotated.send('/read', renewed)).body, {
    isNew: false,
    data: { user: 'ada' },
  })
})

test('a write under the current secret keeps the token it was given: no new tag per request', async () => {
  const app = storeApp(memoryStore(), { secrets: SECRET })
  const { jar } = await app.send('/set?user=ada')
  const subtle = crypto.subtle as SubtleCrypto & { sign: SubtleCrypto['sign'] }
  const sign = subtle.sign
  let signs = 0
  subtle.sign = function (this: SubtleCrypto, ...args: Parameters<SubtleCrypto['sign']>) {
    signs++
    return sign.apply(this, args)
  } as SubtleCrypto['sign']
  try {
    const { jar: after } = await app.send('/set?user=bob', jar)
    assert.equal(after, jar)
    assert.equal(signs, 0)
  } finally {
    subtle.sign = sign
  }
  assert.deepEqual((await app.send('/read', jar)).body.data, { user: 'bob' })
})

function withSecrets(store: SessionStore, secrets: string[]) {
  return withSession(
    async (req: Request) => {
      await getSession(req)
      return new Response('ok')
    },
    { codec: storeCodec({ store, secrets }), ...cookie() },
  )
}

test('a nested change and a __proto__ key are stored as data', async () => {
  const store = memoryStore()
  const handler = withSession(
    async (req: Request) => {
      const session = await getSession<{ cart?: string[]; __proto__?: string }>(req)
      if (session.isNew) {
        session.set('cart', [])
        session.set('__proto__', 'plain')
      } else session.get('cart')?.push('apple')
      return Response.json({ cart: session.get('cart'), proto: session.get('__proto__') })
    },
    { codec: storeCodec({ store }), ...cookie() },
  )
  const jar = nextCookie(await handler(request()))
  await handler(request(jar))
  const record = await store.get(idOf(jar))
  assert.equal(record?.values.cart, '["apple"]')
  assert.equal(Object.getPrototypeOf(record?.values), Object.prototype)
  assert.deepEqual(await (await handler(request(jar))).json(), {
    cart: ['apple', 'apple'],
    proto: 'plain',
  })
})

test('a damaged record gives an empty session', async () => {
  const store = memoryStore()
  const app = storeApp(store)
  const { jar } = await app.send('/set?user=ada')
  const now = Math.floor(Date.now() / 1000)
  await store.set(idOf(jar), { created: now, touched: now, values: { user: '{not json' } }, 60)
  assert.deepEqual((await app.send('/read', jar)).body, { isNew: true, data: {} })
  assert.deepEqual(app.invalid, ['malformed'])
})

test('a store that throws DecodeError still fails the request (ERR_SESSION_STORE)', async () => {
  const store = memoryStore()
  const failing = { ...store, get: () => Promise.reject(new DecodeError('unknown')) }
  const app = storeApp(failing, {}, { onStoreError: () => undefined })
  await assert.rejects(
    app.send('/read', 'session=AAAAAAAAAAAAAAAAAAAAAA'),
    (error: unknown) => error instanceof SessionError && error.code === 'ERR_SESSION_STORE',
  )
  const answered = await storeApp(failing).send('/read', 'session=AAAAAAAAAAAAAAAAAAAAAA')
  assert.equal(answered.response.status, 503)
})

test('the cookie Max-Age is what is left of the absolute lifetime', async () => {
  const time = clock()
  const app = storeApp(memoryStore({ now: time.now }), { maxAge: 3600, now: time.now })
  const first = await app.send('/set?a=1')
  assert.match(first.response.headers.get('set-cookie') ?? '', /Max-Age=3600/)
  time.advance(1000)
  const second = await app.send('/set?a=2', first.jar)
  assert.match(second.response.headers.get('set-cookie') ?? '', /Max-Age=2600/)
  assert.equal(idOf(second.jar), idOf(first.jar))
})

test('a flash value is read once and then gone from the store', async () => {
  const store = memoryStore()
  const handler = withSession(
    async (req: Request) => {
      const session = await getSession(req)
      if (session.isNew) session.flash('notice', 'saved')
      else session.set('seen', session.get('notice') ?? null)
      return new Response('ok')
    },
    { codec: storeCodec({ store }), ...cookie() },
  )
  const jar = nextCookie(await handler(request()))
  await handler(request(jar))
  assert.deepEqual((await store.get(idOf(jar)))?.values, { seen: '"saved"' })
})

test('memoryStore evicts the least recently written session when full', async () => {
  const store = memoryStore({ maxEntries: 3 })
  const record = { created: 1, touched: 1, values: {} }
  for (const id of ['a', 'b', 'c']) await store.set(id, record, undefined)
  await store.patch('a', { touched: 2, set: {}, delete: [] }, undefined)
  await store.set('d', record, undefined)
  assert.equal(await store.get('b'), undefined)
  for (const id of ['a', 'c', 'd']) assert.notEqual(await store.get(id), undefined)
})

test('memoryStore patch of a missing record writes nothing and says so', async () => {
  const store = memoryStore()
  assert.equal(await store.patch('gone', { touched: 1, set: { a: '1' }, delete: [] }, 60), false)
  assert.equal(await store.get('gone'), undefined)
})

test('destroySessions keeps the session named by id or by handle, and refuses anything else', async () => {
  const index = (data: Record<string, unknown>) =>
    typeof data.user === 'string' ? { user: data.user, info: { device: data.device } } : undefined
  const app = storeApp(memoryStore(), { index })
  const phone = await app.send('/set?user=ada&device=phone')
  const laptop = await app.send('/set?user=ada&device=laptop')
  const listed = await app.codec.listSessions('ada', { current: idOf(laptop.jar) })
  const handle = listed.find((summary) => summary.current)!.handle
  for (const except of ['not-an-id', '', 42 as never, idOf(laptop.jar).slice(1)]) {
    await assert.rejects(app.codec.destroySessions('ada', { except }), configError, String(except))
  }
  assert.equal((await app.codec.listSessions('ada')).length, 2, 'a refused call deletes nothing')
  assert.equal(await app.codec.destroySessions('ada', { except: handle }), 1)
  assert.equal((await app.send('/read', laptop.jar)).body.data.device, 'laptop')
  assert.deepEqual((await app.send('/read', phone.jar)).body, { isNew: true, data: {} })
})
