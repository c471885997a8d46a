/** Passive requests: they read the session but never renew it, so polling cannot keep it alive. */
import assert from 'node:assert/strict'
import type { CodecBackend, SessionOptions } from '../../src/index.ts'
import { cookie, getSession, withSession } from '../../src/index.ts'
import { ownCodecs } from '../fixtures/session-codecs.ts'
import { clock, nextCookie, request } from '../fixtures/suite.ts'
import { suite } from '../harness.ts'

const test = suite('passive requests')

/** A counter app on `codec`; `visit` keeps the cookie jar and answers with the count it saw. */
function app(codec: CodecBackend, options: SessionOptions = {}) {
  const handler = withSession(
    async (req: Request) => {
      const session = await getSession<{ count: number }>(req)
      if (new URL(req.url).pathname === '/write') {
        session.set('count', (session.get('count') ?? 0) + 1)
      }
      return new Response(String(session.get('count') ?? 0))
    },
    { codec, ...cookie() },
    options,
  )
  let jar = ''
  return async (path: string, headers: HeadersInit = {}) => {
    const response = await handler(request(jar, { headers }, `http://localhost${path}`))
    jar = nextCookie(response, jar)
    return response.text()
  }
}

/** Visits every 10 s for two idle windows (120 s), then says whether the session is still there. */
async function pollFor120s(
  make: (now: () => number) => CodecBackend,
  headers: HeadersInit,
  options: SessionOptions = {},
): Promise<string> {
  const time = clock()
  const visit = app(make(time.now), options)
  await visit('/write')
  for (let second = 10; second <= 120; second += 10) {
    time.advance(10)
    await visit('/read', headers)
  }
  return visit('/read')
}

for (const [name, make] of ownCodecs) {
  const codec = (now: () => number) => make({ now, idleTimeout: 60, maxAge: 3600 })

  test(`${name}: a poll every 10 s for two idle windows does not keep the session alive`, async () => {
    assert.equal(await pollFor120s(codec, { 'session-passive': '1' }), '0')
  })

  test(`${name}: a browser prefetch does not keep the session alive either`, async () => {
    assert.equal(await pollFor120s(codec, { 'sec-purpose': 'prefetch;prerender' }), '0')
  })

  test(`${name}: a real visit every 10 s keeps it alive`, async () => {
    assert.equal(await pollFor120s(codec, {}), '1')
  })
}

test('the passive option decides which requests are passive', async () => {
  const [, make] = ownCodecs[0]!
  const codec = (now: () => number) => make({ now, idleTimeout: 60 })
  const never = { passive: () => false }
  assert.equal(await pollFor120s(codec, { 'session-passive': '1' }, never), '1')
  const polls = { passive: (req: Request) => new URL(req.url).pathname === '/read' }
  assert.equal(await pollFor120s(codec, {}, polls), '0')
})

test('a passive request reads the session, and what it changes is still written', async () => {
  const time = clock()
  const [, make] = ownCodecs[0]!
  const visit = app(make({ now: time.now, idleTimeout: 60 }))
  await visit('/write')
  time.advance(40)
  assert.equal(await visit('/read', { 'session-passive': '1' }), '1')
  assert.equal(await visit('/write', { 'session-passive': '1' }), '2')
  time.advance(40)
  assert.equal(await visit('/read'), '2', 'the write started a new idle window')
})
