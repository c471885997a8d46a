/** A device-bound session is observed like any other: its login time, its deadline, its events. */
import assert from 'node:assert/strict'
import type { CodecBackend, SessionEvent } from '../../src/index.ts'
import { cookie, getSession, withSession } from '../../src/index.ts'
import type { FixedClock } from '../../src/testing.ts'
import { CODECS, DBSC_SECRET } from '../fixtures/dbsc-app.ts'
import { DbscBrowser, DeviceKeyPair } from '../fixtures/dbsc-client.ts'
import { clock } from '../fixtures/suite.ts'
import { suite } from '../harness.ts'

const test = suite('device-bound observed')

/** `/login` signs in (regenerates); every answer says who, whether bound, and the login time. */
function app(codec: (time: FixedClock) => CodecBackend) {
  const time = clock(Date.UTC(2026, 0, 1) + 400)
  const events: SessionEvent[] = []
  const handler = withSession(
    async (request: Request) => {
      const session = await getSession<{ user: string }>(request)
      if (new URL(request.url).pathname === '/login') {
        session.regenerate()
        session.set('user', 'ada')
      }
      const at = session.authenticatedAt ?? null
      return Response.json({ user: session.get('user') ?? null, bound: session.deviceBound, at })
    },
    { codec: codec(time), ...cookie({ name: 'session' }) },
    {
      deviceBound: { secrets: DBSC_SECRET, now: time.now },
      events: (event) => events.push(event),
      expiryHeader: true,
    },
  )
  return { handler, time, events }
}

for (const [name, codec] of CODECS) {
  test(`${name}: a bound session keeps its authenticatedAt and reports its events`, async () => {
    const { handler, time, events } = app(codec)
    const browser = new DbscBrowser(handler, await DeviceKeyPair.generate())
    const loginAt = Math.floor(time.now() / 1000) * 1000
    const login = await browser.fetch('/login')
    assert.equal((await browser.register(login)).status, 200)
    const tokens = [browser.jar]

    time.advance(30)
    const read = await browser.fetch('/me')
    assert.deepEqual(await read.json(), { user: 'ada', bound: true, at: loginAt })
    // jwtCodec sets no lifetime unless asked, so its tokens have no deadline to show.
    const deadline = read.headers.get('session-expires-at')
    if (name !== 'jwtCodec') assert.match(deadline ?? '', /^\d+$/, 'the deadline is visible')

    time.advance(400)
    assert.equal((await browser.refresh()).status, 200, 'the bound cookie is renewed')
    tokens.push(browser.jar)
    assert.deepEqual(await (await browser.fetch('/me')).json(), {
      user: 'ada',
      bound: true,
      at: loginAt,
    })

    const lifecycle = events.filter((event) => event.type !== 'store' && event.type !== 'cache')
    assert.deepEqual(
      lifecycle.map((event) => event.type),
      // login, registration (the binding written), a read, the refresh's two steps, a read
      ['created', 'loaded', 'renewed', 'loaded', 'loaded', 'loaded', 'loaded'],
    )
    const handles = new Set(lifecycle.map((event) => event.handle))
    assert.equal(handles.size, 1, 'one session throughout, under one handle')
    const text = JSON.stringify(events.map(({ request: _, ...event }) => event))
    const secrets = tokens.flatMap((jar) => jar.split('; ').map((pair) => pair.split('=')[1]!))
    for (const secret of [...secrets, browser.sessionId!]) {
      assert.equal(text.includes(secret), false, 'no token or bound session id in an event')
    }
  })
}
