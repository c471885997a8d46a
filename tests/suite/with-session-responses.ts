/** What withSession does to the handler's response: redirects, streams, upgrades, Vary, Set-Cookie. */
import assert from 'node:assert/strict'
import { getSession, withSession } from '../../src/index.ts'
import { counter, request, signedBackends } from '../fixtures/suite.ts'
import { suite } from '../harness.ts'

const test = suite('withSession responses')

/** Wraps a codec to count its calls. */
test('a redirect response carries the Set-Cookie and keeps its status and location', async () => {
  const handler = withSession(async (req: Request) => {
    ;(await getSession(req)).set('user', 'ada')
    return Response.redirect('http://localhost/home', 303)
  }, signedBackends())
  const response = await handler(request())
  assert.equal(response.status, 303)
  assert.equal(response.headers.get('location'), 'http://localhost/home')
  assert.match(response.headers.get('set-cookie') ?? '', /^session=/)
})

test('a response whose headers are immutable gets its cookie on a copy', async () => {
  // Immutable on Node, Deno and workerd: copied there. Bun's are mutable: written in place.
  const original = Response.redirect('http://localhost/home', 302)
  let mutable = true
  try {
    original.headers.delete('x-probe')
  } catch {
    mutable = false
  }
  const handler = withSession(async (req: Request) => {
    ;(await getSession(req)).set('user', 'ada')
    return original
  }, signedBackends())
  const response = await handler(request())
  assert.equal(response === original, mutable)
  assert.equal(response.status, 302)
  assert.equal(response.headers.get('location'), 'http://localhost/home')
  assert.match(response.headers.get('set-cookie') ?? '', /^session=/)
  if (!mutable) assert.equal(original.headers.get('set-cookie'), null)
})

test('the body of a response streams through unchanged', async () => {
  const handler = withSession(async (req: Request) => {
    ;(await getSession(req)).set('user', 'ada')
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('streamed '))
        controller.enqueue(new TextEncoder().encode('body'))
        controller.close()
      },
    })
    return new Response(body, { status: 201, statusText: 'Created', headers: { 'x-app': 'yes' } })
  }, signedBackends())
  const response = await handler(request())
  assert.equal(response.status, 201)
  assert.equal(response.statusText, 'Created')
  assert.equal(response.headers.get('x-app'), 'yes')
  assert.equal(await response.text(), 'streamed body')
})

test('a 101 upgrade response passes through as it is', async () => {
  class Upgrade extends Response {
    override get status(): number {
      return 101
    }
  }
  const upgrade = new Upgrade(null)
  const handler = withSession(async (req: Request) => {
    ;(await getSession(req)).set('user', 'ada')
    return upgrade
  }, signedBackends())
  assert.equal(await handler(request()), upgrade)
})

test('a handler that returns no response (a Bun upgrade) passes through', async () => {
  const handler = withSession(async (req: Request): Promise<Response | undefined> => {
    ;(await getSession(req)).set('user', 'ada')
    return undefined
  }, signedBackends())
  assert.equal(await handler(request()), undefined)
})

test('a response with a token gets Vary: Cookie and Cache-Control: private, no-store', async () => {
  const { handler } = counter()
  const response = await handler(request())
  assert.equal(response.headers.get('vary'), 'Cookie')
  assert.equal(response.headers.get('cache-control'), 'private, no-store')
})

test('Vary is extended, not replaced, and a Cache-Control the handler set is kept', async () => {
  const handler = withSession(async (req: Request) => {
    ;(await getSession(req)).set('user', 'ada')
    return new Response('ok', { headers: { vary: 'Accept-Encoding', 'cache-control': 'no-cache' } })
  }, signedBackends())
  const response = await handler(request())
  assert.equal(response.headers.get('vary'), 'Accept-Encoding, Cookie')
  assert.equal(response.headers.get('cache-control'), 'no-cache')
  const already = withSession(async (req: Request) => {
    ;(await getSession(req)).set('user', 'ada')
    return new Response('ok', { headers: { vary: 'cookie' } })
  }, signedBackends())
  assert.equal((await already(request())).headers.get('vary'), 'cookie')
})

test('a Set-Cookie the handler wrote for the session name is replaced, others are kept', async () => {
  const handler = withSession(async (req: Request) => {
    ;(await getSession(req)).set('user', 'ada')
    const headers = new Headers()
    headers.append('set-cookie', 'session=stale; Path=/')
    headers.append('set-cookie', 'theme=dark; Path=/')
    return new Response('ok', { headers })
  }, signedBackends())
  const cookies = (await handler(request())).headers.getSetCookie()
  assert.equal(cookies.length, 2)
  assert.equal(cookies[0], 'theme=dark; Path=/')
  assert.match(cookies[1]!, /^session=(?!stale)/)
})
