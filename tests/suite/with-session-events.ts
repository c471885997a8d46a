/** withSession's lifecycle events: what each step of a session reports, named without its id. */
import assert from 'node:assert/strict'
import type { CodecBackend, SessionEvent, SessionStore } from '../../src/index.ts'
import {
  cookie,
  getSession,
  memoryStore,
  SessionError,
  signedCodec,
  storeCodec,
  withSession,
} from '../../src/index.ts'
import { clock, nextCookie, request, SECRET } from '../fixtures/suite.ts'
import { suite } from '../harness.ts'

const test = suite('events')

/** An app whose paths log in, read, write and log out; every event it hears is kept. */
function app(codec: CodecBackend, options: Parameters<typeof withSession>[2] = {}) {
  const events: SessionEvent[] = []
  const handler = withSession(
    async (req: Request) => {
      const session = await getSession(req)
      const path = new URL(req.url).pathname
      if (path === '/login') {
        session.set('user', 'ada')
        session.regenerate()
      } else if (path === '/write') session.set('n', Number(session.get('n') ?? 0) + 1)
      else if (path === '/logout') session.destroy()
      return new Response(String(session.id ?? ''))
    },
    { codec, ...cookie() },
    { ...options, events: (event) => events.push(event) },
  )
  let jar = ''
  const visit = async (path: string, init: RequestInit = {}) => {
    const response = await handler(request(jar, init, `http://localhost${path}`))
    jar = nextCookie(response, jar)
    return response
  }
  const lifecycle = () => events.filter((e) => e.type !== 'store' && e.type !== 'cache')
  return { events, visit, lifecycle, jar: () => jar }
}

test('each step of a session is reported once, named by a handle that is not its id', async () => {
  const { visit, lifecycle, events, jar } = app(storeCodec({ store: memoryStore() }))
  const secrets: string[] = []
  for (const path of ['/write', '/read', '/write', '/login', '/read', '/logout']) {
    secrets.push(await (await visit(path)).text(), jar().slice('session='.length))
  }
  assert.deepEqual(
    lifecycle().map((e) => e.type),
    [
      'created',
      'loaded',
      'loaded',
      'renewed',
      'loaded',
      'regenerated',
      'loaded',
      'loaded',
      'destroyed',
    ],
  )
  const [created, , , renewed, , regenerated, , , destroyed] = lifecycle()
  assert.equal(renewed?.type === 'renewed' && renewed.changed, true)
  assert.match(created!.handle!, /^[A-Za-z0-9_-]{16}$/)
  assert.equal(renewed!.handle, created!.handle)
  assert.equal(regenerated?.type === 'regenerated' && regenerated.previous, created!.handle)
  assert.notEqual(regenerated!.handle, created!.handle)
  assert.equal(destroyed!.handle, regenerated!.handle)
  const text = JSON.stringify(events.map(({ request: _, ...event }) => event))
  for (const secret of secrets.filter(Boolean)) {
    assert.equal(text.includes(secret), false, `${secret} in ${text}`)
  }
})

test('the handle is the one listSessions shows for the session', async () => {
  const store = memoryStore()
  const codec = storeCodec({ store, index: (data) => data.user as string | undefined })
  const { visit, lifecycle } = app(codec)
  await visit('/login')
  const [summary] = await codec.listSessions('ada')
  assert.equal(lifecycle()[0]!.handle, summary!.handle)
})

test('a stateless session is named by no handle', async () => {
  const { visit, lifecycle } = app(signedCodec({ secrets: SECRET }))
  await visit('/write')
  await visit('/write')
  assert.deepEqual(
    lifecycle().map((e) => [e.type, e.handle]),
    [
      ['created', undefined],
      ['loaded', undefined],
      ['renewed', undefined],
    ],
  )
})

test('a refused token is reported with its reason; one validAfter turns down as revoked', async () => {
  const time = clock()
  const codec = signedCodec({ secrets: SECRET, now: time.now, idleTimeout: 60 })
  let cutOff: number | undefined
  const { visit, lifecycle } = app(codec, { validAfter: () => cutOff })
  await visit('/write')
  time.advance(61)
  await visit('/read')
  await visit('/read', { headers: { cookie: 'session=forged.AAAA' } })
  await visit('/write')
  cutOff = time.now() + 1000
  await visit('/read')
  assert.deepEqual(
    lifecycle().map((e) => (e.type === 'invalid' ? `invalid ${e.reason}` : e.type)),
    ['created', 'invalid idle', 'invalid malformed', 'created', 'revoked'],
  )
})

test('store calls are timed, and the token cache reports hits and misses', async () => {
  const store = memoryStore()
  const { visit, events } = app(storeCodec({ store, secrets: SECRET }))
  await visit('/write')
  await visit('/read')
  const calls = events.filter((e) => e.type === 'store')
  assert.deepEqual(
    calls.map((e) => e.type === 'store' && [e.operation, e.outcome]),
    [
      ['set', 'ok'],
      ['get', 'ok'],
    ],
  )
  for (const call of calls) assert.ok(call.type === 'store' && call.ms >= 0)
  assert.deepEqual(
    events.filter((e) => e.type === 'cache').map((e) => e.type === 'cache' && e.hit),
    [true],
  )
  const cold = app(storeCodec({ store, secrets: SECRET }))
  const token = (await visit('/write')).headers.getSetCookie()[0]!.split(';')[0]!
  await cold.visit('/read', { headers: { cookie: token } })
  assert.deepEqual(
    cold.events.filter((e) => e.type === 'cache').map((e) => e.type === 'cache' && e.hit),
    [false],
  )
})

test('a store that fails: its call, then the 503, each reported once', async () => {
  const store = memoryStore()
  const healthy = app(storeCodec({ store }))
  await healthy.visit('/write')
  const down: SessionStore = {
    ...store,
    get: async () => {
      throw new Error('connection refused')
    },
  }
  const { events } = app(storeCodec({ store: down }))
  const handler = withSession(
    async (req: Request) => {
      await getSession(req)
      return new Response('ok')
    },
    { codec: storeCodec({ store: down }), ...cookie() },
    { events: (event) => events.push(event) },
  )
  const response = await handler(request(healthy.jar()))
  assert.equal(response.status, 503)
  assert.deepEqual(
    events.map((e) =>
      e.type === 'store'
        ? `${e.operation} ${e.outcome}`
        : `${e.type} ${'status' in e ? e.status : ''}`,
    ),
    ['get error', 'store-failure 503'],
  )
})

test('what the events hook throws fails the request, as any error of the app', async () => {
  const handler = withSession(
    async (req: Request) => {
      ;(await getSession(req)).set('n', 1)
      return new Response('ok')
    },
    { codec: signedCodec({ secrets: SECRET }), ...cookie() },
    {
      events: () => {
        throw new SessionError('ERR_SESSION_CONFIG', 'the log is full')
      },
    },
  )
  await assert.rejects(handler(request()), /the log is full/)
})

test('without events the codec is handed no context', async () => {
  const contexts: unknown[] = []
  const inner = signedCodec({ secrets: SECRET })
  const codec: CodecBackend = {
    ...inner,
    decodeSession: (token, context) => {
      contexts.push(context)
      return inner.decodeSession!(token, context)
    },
    encodeSession: (data, write) => {
      contexts.push(write.context)
      return inner.encodeSession!(data, write)
    },
  }
  const handler = withSession(
    async (req: Request) => {
      const session = await getSession(req)
      session.set('n', Number(session.get('n') ?? 0) + 1)
      return new Response('ok')
    },
    { codec, ...cookie() },
  )
  const first = await handler(request())
  await handler(request(nextCookie(first)))
  assert.deepEqual(contexts, [undefined, undefined, undefined])
})
