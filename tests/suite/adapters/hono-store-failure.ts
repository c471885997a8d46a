/** The Hono adapter answers a store failure as withSession does: 503, or what onStoreError chose. */
import assert from 'node:assert/strict'
import { Hono } from 'hono'
import { type SessionVariables, session } from '../../../adapters/hono.ts'
import { cookie, type SessionOptions, type SessionStore, storeCodec } from '../../../src/index.ts'
import { suite } from '../../harness.ts'

const test = suite('hono store failure')

/** A store that is down: every call fails, as a stopped Redis does. */
const down: SessionStore = {
  get: () => Promise.reject(new Error('connection refused')),
  set: () => Promise.reject(new Error('connection refused')),
  patch: () => Promise.reject(new Error('connection refused')),
  delete: () => Promise.reject(new Error('connection refused')),
}
/** A well-formed store id: the codec asks the store about it. */
const jar = 'session=AAAAAAAAAAAAAAAAAAAAAA'

function app(options?: SessionOptions) {
  const hono = new Hono<{ Variables: SessionVariables<{ user?: string }> }>()
  hono.use(session({ codec: storeCodec({ store: down }), ...cookie() }, options))
  hono.get('/', async (c) => c.text(`user ${(await c.var.session()).get('user') ?? 'guest'}`))
  hono.get('/login', async (c) => {
    ;(await c.var.session()).set('user', 'ada')
    return c.text('in')
  })
  return { hono }
}

test('a store that is down answers 503 with Retry-After, not the error handler 500', async () => {
  const { hono } = app()
  const response = await hono.request('/', { headers: { cookie: jar } })
  assert.equal(response.status, 503)
  assert.equal(response.headers.get('retry-after'), '1')
  assert.equal(response.headers.get('cache-control'), 'no-store')
  assert.equal(await response.text(), 'Service Unavailable')
  assert.deepEqual(response.headers.getSetCookie(), [])
})

test("onStoreError's Response is the answer, also through a custom app.onError", async () => {
  const { hono } = app({
    onStoreError: () =>
      new Response('maintenance', { status: 503, headers: { 'retry-after': '60' } }),
  })
  const seen: unknown[] = []
  hono.onError((error, c) => {
    seen.push(error)
    return 'getResponse' in error ? (error.getResponse as () => Response)() : c.text('oops', 500)
  })
  const response = await hono.request('/', { headers: { cookie: jar } })
  assert.equal(response.status, 503)
  assert.equal(response.headers.get('retry-after'), '60')
  assert.equal(await response.text(), 'maintenance')
  assert.equal(seen.length, 1)
})

test('a store that fails while committing answers 503 too', async () => {
  const { hono } = app()
  const response = await hono.request('/login')
  assert.equal(response.status, 503)
  assert.equal(response.headers.get('retry-after'), '1')
  assert.deepEqual(response.headers.getSetCookie(), [])
})
