/**
 * The store suite: every server-side semantic, as a named test, against any `SessionStore`.
 * `storeSuite` is run here for `memoryStore`, and by tests/node for Redis, Deno KV and Cloudflare KV.
 */
import assert from 'node:assert/strict'
import type { SessionStore, StoreRecord } from '../../src/index.ts'
import {
  cookie,
  getSession,
  memoryStore,
  SessionError,
  storeCodec,
  withSession,
} from '../../src/index.ts'
import { suite, type TestFn } from '../harness.ts'
import { clock, nextCookie, request, SECRET } from './helpers.ts'

type Clock = ReturnType<typeof clock>

export interface StoreFixture {
  store: SessionStore
  /** The store's own clock, when it takes one: expiry is then tested by moving it. */
  clock?: Clock
  /** The TTL the store reports for `id`, in seconds, when it can tell (Redis, KV). */
  ttl?(id: string): Promise<number | undefined>
  /** `false` for stores without atomic patches (Cloudflare KV): see its documented guarantee. */
  atomic: boolean
  /** Smallest TTL the store keeps (Cloudflare KV: 60 s). */
  minTtl?: number
}

export interface Counts {
  get: number
  set: number
  patch: number
  delete: number
}

/** Wraps a store, counting calls and optionally failing them. */
export function instrument(store: SessionStore): {
  store: SessionStore
  counts: Counts
  fail: Set<keyof Counts>
} {
  const counts: Counts = { get: 0, set: 0, patch: 0, delete: 0 }
  const fail = new Set<keyof Counts>()
  function counted<A extends unknown[], R>(op: keyof Counts, run: (...args: A) => Promise<R>) {
    return async (...args: A): Promise<R> => {
      counts[op]++
      if (fail.has(op)) throw new Error('connection refused')
      return run(...args)
    }
  }
  return {
    counts,
    fail,
    store: {
      get: counted('get', (id) => store.get(id)),
      set: counted('set', (id, record, ttl) => store.set(id, record, ttl)),
      patch: counted('patch', (id, patch, ttl) => store.patch(id, patch, ttl)),
      delete: counted('delete', (id) => store.delete(id)),
    },
  }
}

export const writes = (counts: Counts): number => counts.set + counts.patch + counts.delete

/** The session id inside a Cookie header written by `nextCookie` (cookie `session`). */
export function idOf(cookieHeader: string): string {
  const token = /(?:^|; )session=([^;]*)/.exec(cookieHeader)?.[1] ?? ''
  return token.slice(0, 22)
}

interface AppOptions {
  maxAge?: number | null
  idleTimeout?: number
  secrets?: string
  now?: () => number
}

/**
 * A test app over `storeCodec`: `/set?k=v`, `/delete?key=k`, `/regenerate`, `/destroy`, `/clear`,
 * `/read`. `?as=name` waits on `hold(name)` after loading, to interleave requests by hand.
 */
export function storeApp(store: SessionStore, options: AppOptions = {}) {
  const invalid: string[] = []
  const holds = new Map<string, { loaded: () => void; release: Promise<void> }>()
  const handler = withSession(
    async (req: Request) => {
      const url = new URL(req.url)
      const session = await getSession(req)
      const as = url.searchParams.get('as')
      if (as !== null) {
        const hold = holds.get(as)
        hold?.loaded()
        await hold?.release
      }
      if (url.pathname === '/set') {
        for (const [key, value] of url.searchParams) if (key !== 'as') session.set(key, value)
      } else if (url.pathname === '/delete') {
        for (const key of url.searchParams.getAll('key')) session.delete(key)
      } else if (url.pathname === '/regenerate') session.regenerate()
      else if (url.pathname === '/destroy') session.destroy()
      else if (url.pathname === '/clear') session.clear()
      return Response.json({ isNew: session.isNew, data: session.toJSON() })
    },
    { codec: storeCodec({ store, ...options }), ...cookie() },
    { onInvalid: (error) => invalid.push(error.reason) },
  )
  /** Makes requests with `?as=name` wait: resolves `loaded` once one has read its session. */
  function hold(name: string): { loaded: Promise<void>; release: () => void } {
    let loaded!: () => void
    let release!: () => void
    const loadedPromise = new Promise<void>((resolve) => {
      loaded = resolve
    })
    holds.set(name, { loaded, release: new Promise<void>((resolve) => (release = resolve)) })
    return { loaded: loadedPromise, release }
  }
  async function send(
    path: string,
    jar = '',
  ): Promise<{ jar: string; body: Body; response: Response }> {
    const response = await handler(request(jar, {}, `http://localhost${path}`))
    const body = (await response.json()) as Body
    return { jar: nextCookie(response, jar), body, response }
  }
  return { handler, invalid, hold, send }
}

interface Body {
  isNew: boolean
  data: Record<string, unknown>
}

const values = (record: StoreRecord | undefined) =>
  record === undefined
    ? undefined
    : Object.fromEntries(Object.entries(record.values).map(([k, v]) => [k, JSON.parse(v)]))

/** Registers every store semantic for one store; `make` gives a fresh fixture per test. */
export function storeSuite(
  make: () => StoreFixture | Promise<StoreFixture>,
  test: (name: string, fn: TestFn) => void,
): void {
  test('a new session gets a random id whose record holds the data', async () => {
    const { store } = await make()
    const app = storeApp(store)
    const first = await app.send('/set?user=ada')
    const second = await app.send('/set?user=bob')
    assert.match(idOf(first.jar), /^[A-Za-z0-9_-]{22}$/)
    assert.notEqual(idOf(first.jar), idOf(second.jar))
    assert.deepEqual(values(await store.get(idOf(first.jar))), { user: 'ada' })
    const read = await app.send('/read', first.jar)
    assert.deepEqual(read.body, { isNew: false, data: { user: 'ada' } })
  })

  test('an unknown id is never adopted (session fixation)', async () => {
    const { store } = await make()
    const app = storeApp(store)
    const chosen = 'AAAAAAAAAAAAAAAAAAAAAA'
    const { jar, body } = await app.send('/set?user=ada', `session=${chosen}`)
    assert.equal(body.isNew, true)
    assert.deepEqual(app.invalid, ['unknown'])
    assert.notEqual(idOf(jar), chosen)
    assert.equal(await store.get(chosen), undefined)
    assert.deepEqual(values(await store.get(idOf(jar))), { user: 'ada' })
  })

  test('regenerate issues a new id, moves the data and deletes the old record', async () => {
    const { store } = await make()
    const app = storeApp(store)
    const before = await app.send('/set?user=ada&cart=3')
    const after = await app.send('/regenerate', before.jar)
    assert.notEqual(idOf(after.jar), idOf(before.jar))
    assert.equal(await store.get(idOf(before.jar)), undefined)
    assert.deepEqual(values(await store.get(idOf(after.jar))), { user: 'ada', cart: '3' })
    const replay = await app.send('/read', before.jar)
    assert.deepEqual(replay.body, { isNew: true, data: {} })
  })

  for (const action of ['destroy', 'clear'] as const) {
    test(`${action}() deletes the record and the old cookie then gives an empty session`, async () => {
      const { store } = await make()
      const app = storeApp(store)
      const before = await app.send('/set?user=ada')
      const after = await app.send(`/${action}`, before.jar)
      assert.match(after.response.headers.get('set-cookie') ?? '', /^session=; Max-Age=0/)
      assert.equal(await store.get(idOf(before.jar)), undefined)
      const replay = await app.send('/read', before.jar)
      assert.deepEqual(replay.body, { isNew: true, data: {} })
      assert.deepEqual(app.invalid, ['unknown'])
    })
  }

  test('concurrent requests changing different keys: none is lost (KV: last writer wins)', async () => {
    const { store, atomic } = await make()
    const app = storeApp(store)
    const { jar } = await app.send('/set?old1=x&old2=y')
    const holds = Array.from({ length: 12 }, (_, i) => app.hold(`r${i}`))
    // Every request reads the same record before any of them commits.
    const sent = holds.map((_, i) =>
      i < 10
        ? app.send(`/set?as=r${i}&k${i}=${i}`, jar)
        : app.send(`/delete?as=r${i}&key=old${i - 9}`, jar),
    )
    await Promise.all(holds.map((hold) => hold.loaded))
    for (const hold of holds) hold.release()
    const responses = await Promise.all(sent)
    assert.ok(
      responses.every((r) => idOf(r.jar) === idOf(jar)),
      'no request changed the id',
    )
    const stored = values(await store.get(idOf(jar)))
    if (atomic) {
      const expected = Object.fromEntries(
        Array.from({ length: 10 }, (_, i) => [`k${i}`, String(i)]),
      )
      assert.deepEqual(stored, expected)
    } else {
      // Read-modify-write: the record survives, holding at least the last writer's change.
      assert.ok(stored !== undefined && Object.keys(stored).length >= 1)
    }
  })

  test('two requests changing the same key: the last commit wins', async () => {
    const { store } = await make()
    const app = storeApp(store)
    const { jar } = await app.send('/set?colour=red&size=m')
    const first = app.hold('first')
    const second = app.hold('second')
    const a = app.send('/set?as=first&colour=green', jar)
    const b = app.send('/set?as=second&colour=blue', jar)
    await Promise.all([first.loaded, second.loaded])
    first.release()
    await a
    second.release()
    await b
    assert.deepEqual(values(await store.get(idOf(jar))), { colour: 'blue', size: 'm' })
  })

  test('a destroyed session is not brought back by a concurrent write', async () => {
    const { store } = await make()
    const app = storeApp(store)
    const { jar } = await app.send('/set?user=ada')
    const late = app.hold('late')
    const write = app.send('/set?as=late&theme=dark', jar)
    await late.loaded
    await app.send('/destroy', jar)
    late.release()
    const { jar: after } = await write
    assert.equal(await store.get(idOf(jar)), undefined, 'old record stays deleted')
    assert.notEqual(idOf(after), idOf(jar))
    // Only the late request's own change moves to the new id: the logged-out user does not.
    assert.deepEqual(values(await store.get(idOf(after))), { theme: 'dark' })
  })

  test('a store error fails the request instead of starting a new session', async () => {
    const { store } = await make()
    const tools = instrument(store)
    const app = storeApp(tools.store)
    const { jar } = await app.send('/set?user=ada')
    for (const op of ['get', 'patch', 'delete'] as const) {
      tools.fail.clear()
      tools.fail.add(op)
      const path = op === 'delete' ? '/destroy' : '/set?more=1'
      await assert.rejects(app.send(path, jar), (error: unknown) => {
        assert.ok(error instanceof SessionError)
        assert.equal(error.code, 'ERR_SESSION_STORE')
        assert.doesNotMatch(error.message, new RegExp(idOf(jar)))
        return true
      })
    }
    tools.fail.clear()
    assert.deepEqual(values(await store.get(idOf(jar))), { user: 'ada' })
    assert.deepEqual(app.invalid, [])
  })

  test('an unchanged session makes no store write', async () => {
    const { store } = await make()
    const tools = instrument(store)
    const app = storeApp(tools.store)
    const { jar } = await app.send('/set?user=ada')
    const before = writes(tools.counts)
    const read = await app.send('/read', jar)
    const same = await app.send('/set?user=ada', jar)
    assert.equal(writes(tools.counts), before)
    assert.equal(read.response.headers.get('set-cookie'), null)
    assert.equal(same.response.headers.get('set-cookie'), null)
    await app.send('/set?user=bob', jar)
    assert.equal(tools.counts.patch, 1, 'a change is one patch')
  })

  test('idle renewal rewrites the record once half the idle window has passed', async () => {
    const fixture = await make()
    const time = fixture.clock ?? clock(Date.now())
    const tools = instrument(fixture.store)
    const app = storeApp(tools.store, { idleTimeout: 600, now: time.now })
    const { jar } = await app.send('/set?user=ada')
    time.advance(200)
    await app.send('/read', jar)
    assert.equal(tools.counts.patch, 0, 'not due yet')
    time.advance(200)
    const renewed = await app.send('/read', jar)
    assert.equal(tools.counts.patch, 1, 'renewal is one patch')
    assert.match(renewed.response.headers.get('set-cookie') ?? '', /Max-Age=600/)
    time.advance(500)
    const alive = await app.send('/read', jar)
    assert.deepEqual(alive.body, { isNew: false, data: { user: 'ada' } })
    time.advance(601)
    const idle = await app.send('/read', jar)
    assert.deepEqual(idle.body, { isNew: true, data: {} })
    assert.ok(['idle', 'unknown'].includes(app.invalid[0]!), app.invalid.join())
  })

  test('the store TTL follows the absolute and idle lifetimes', async () => {
    const fixture = await make()
    const time = fixture.clock ?? clock(Date.now())
    const app = storeApp(fixture.store, { maxAge: 3600, idleTimeout: 900, now: time.now })
    const { jar } = await app.send('/set?user=ada')
    const id = idOf(jar)
    const expect = async (seconds: number) => {
      if (fixture.ttl !== undefined) {
        const ttl = await fixture.ttl(id)
        const want = Math.max(seconds, fixture.minTtl ?? 0)
        assert.ok(ttl !== undefined && ttl <= want && ttl >= want - 2, `TTL ${ttl}, want ${want}`)
      } else if (fixture.clock !== undefined) {
        time.advance(seconds - 1)
        assert.notEqual(await fixture.store.get(id), undefined, 'kept until the TTL')
        time.advance(1)
        assert.equal(await fixture.store.get(id), undefined, 'gone at the TTL')
      } else {
        assert.fail('the fixture gives neither ttl() nor a store clock')
      }
    }
    // A store clock can only move forward, so the first TTL is read where the store reports it.
    if (fixture.ttl !== undefined) await expect(900)
    // Renewals keep it alive; near the absolute end the idle window is cut to what is left.
    for (let step = 0; step < 4; step++) {
      time.advance(800)
      assert.deepEqual((await app.send('/read', jar)).body.data, { user: 'ada' })
    }
    await expect(400)
  })

  test('a session past its absolute lifetime is empty even if the store still holds it', async () => {
    const fixture = await make()
    const time = fixture.clock ?? clock(Date.now())
    const app = storeApp(fixture.store, { maxAge: 60, now: time.now })
    const { jar } = await app.send('/set?user=ada')
    time.advance(61)
    const late = await app.send('/read', jar)
    assert.deepEqual(late.body, { isNew: true, data: {} })
    assert.ok(['expired', 'unknown'].includes(app.invalid[0]!), app.invalid.join())
    assert.equal(await fixture.store.get(idOf(jar)), undefined)
  })

  test('tagged ids: a forged id is turned down without a store read', async () => {
    const { store } = await make()
    const tools = instrument(store)
    const app = storeApp(tools.store, { secrets: SECRET })
    const { jar } = await app.send('/set?user=ada')
    assert.match(jar, /^session=[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/)
    const token = jar.slice('session='.length)
    const forged = `session=${token.slice(0, 22)}.${'A'.repeat(43)}`
    const gets = tools.counts.get
    const { body } = await app.send('/read', forged)
    assert.deepEqual(body, { isNew: true, data: {} })
    assert.equal(tools.counts.get, gets)
    assert.deepEqual(app.invalid, ['signature'])
    assert.deepEqual((await app.send('/read', jar)).body, { isNew: false, data: { user: 'ada' } })
  })
}

storeSuite(() => {
  const time = clock()
  return { store: memoryStore({ now: time.now }), clock: time, atomic: true }
}, suite('memoryStore'))
