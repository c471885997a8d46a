/** Visible expiry: session.expiresAt, and the opt-in header a page's script reads. */
import assert from 'node:assert/strict'
import type { CodecBackend, SessionOptions } from '../../src/index.ts'
import { cookie, getSession, SessionError, withSession } from '../../src/index.ts'
import { ownCodecs } from '../fixtures/session-codecs.ts'
import { clock, nextCookie, request } from '../fixtures/suite.ts'
import { suite } from '../harness.ts'

const test = suite('visible expiry')

/** An app that writes on `/write` and answers with `session.expiresAt`; `visit` keeps the jar. */
function app(codec: CodecBackend, options: SessionOptions = { expiryHeader: true }) {
  const handler = withSession(
    async (req: Request) => {
      const session = await getSession(req)
      if (new URL(req.url).pathname === '/write') session.set('n', 1)
      return Response.json({ expiresAt: session.expiresAt ?? null })
    },
    { codec, ...cookie() },
    options,
  )
  let jar = ''
  return async (path: string, headers: HeadersInit = {}) => {
    const response = await handler(request(jar, { headers }, `http://localhost${path}`))
    jar = nextCookie(response, jar)
    const { expiresAt } = (await response.json()) as { expiresAt: number | null }
    return { response, expiresAt, header: response.headers.get('session-expires-at') }
  }
}

for (const [name, make] of ownCodecs) {
  test(`${name}: expiresAt is the earlier of the idle and absolute deadlines`, async () => {
    const time = clock()
    const t0 = time.now()
    const visit = app(make({ now: time.now, maxAge: 3600, idleTimeout: 600 }))
    const first = await visit('/write')
    assert.equal(first.expiresAt, null, 'a new session has no deadline yet')
    assert.equal(first.header, String(t0 + 600_000))
    time.advance(500)
    const renewed = await visit('/read')
    assert.equal(renewed.expiresAt, t0 + 600_000, 'the presented token ends there')
    assert.equal(renewed.header, String(t0 + 1_100_000), 'the renewed token ends later')
    for (let at = 1000; at <= 3000; at += 500) {
      time.advance(500)
      await visit('/read')
    }
    time.advance(300)
    const late = await visit('/read')
    assert.equal(late.header, String(t0 + 3_600_000), 'the absolute deadline comes first')
    assert.equal(late.expiresAt, t0 + 3_600_000)
  })

  test(`${name}: a passive poll reads the deadline without moving it`, async () => {
    const time = clock()
    const visit = app(make({ now: time.now, idleTimeout: 600 }))
    const { header } = await visit('/write')
    time.advance(400)
    const poll = await visit('/read', { 'session-passive': '1' })
    assert.equal(poll.header, header)
    assert.equal(poll.expiresAt, Number(header))
  })
}

test('the header is opt-in, may be renamed, and makes the response private', async () => {
  const [, make] = ownCodecs[0]!
  const codec = make({ now: clock().now, idleTimeout: 600 })
  const quiet = await app(codec, {})('/write')
  assert.equal(quiet.header, null)
  const handler = withSession(
    async (req: Request) => {
      await getSession(req)
      return new Response('ok', { headers: { 'cache-control': 'public, max-age=60' } })
    },
    { codec, ...cookie() },
    { expiryHeader: 'X-Session-Expires-At' },
  )
  const token = nextCookie(await app(codec)('/write').then((r) => r.response))
  const named = await handler(request(token))
  assert.match(named.headers.get('x-session-expires-at') ?? '', /^\d+000$/)
  assert.equal(named.headers.get('vary'), 'Cookie')
  const empty = await handler(request())
  assert.equal(empty.headers.get('x-session-expires-at'), null, 'no session, no deadline')
  assert.throws(
    () => withSession(() => new Response(), { codec, ...cookie() }, { expiryHeader: 'bad name' }),
    (error: unknown) => error instanceof SessionError && error.code === 'ERR_SESSION_CONFIG',
  )
})
