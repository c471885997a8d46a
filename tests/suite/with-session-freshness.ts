/** Freshness: session.authenticatedAt, the time of the last regenerate(), on every codec. */
import assert from 'node:assert/strict'
import type { CodecBackend, Session } from '../../src/index.ts'
import { cookie, getSession, withSession } from '../../src/index.ts'
import { interopCodecs, ownCodecs } from '../fixtures/session-codecs.ts'
import { clock, nextCookie, request } from '../fixtures/suite.ts'
import { suite } from '../harness.ts'

const test = suite('freshness')

/** The documented pattern: a sensitive action asks for the password again after `seconds`. */
function loginIsFresh(session: Session, seconds: number, now: number): boolean {
  const at = session.authenticatedAt
  return at !== undefined && now - at <= seconds * 1000
}

/** `/login` regenerates, `/write` changes the data; every answer reports what the handler saw. */
function app(codec: CodecBackend, now: () => number) {
  const handler = withSession(
    async (req: Request) => {
      const session = await getSession(req)
      const path = new URL(req.url).pathname
      if (path === '/login') {
        session.set('user', 'ada')
        session.regenerate()
      } else if (path === '/write') session.set('n', Number(session.get('n') ?? 0) + 1)
      return Response.json({
        at: session.authenticatedAt ?? null,
        fresh: loginIsFresh(session, 300, now()),
        data: session.toJSON(),
      })
    },
    { codec, ...cookie() },
  )
  let jar = ''
  return async (path: string) => {
    const response = await handler(request(jar, {}, `http://localhost${path}`))
    jar = nextCookie(response, jar)
    return (await response.json()) as { at: number | null; fresh: boolean; data: object }
  }
}

for (const [name, make] of ownCodecs) {
  test(`${name}: authenticatedAt is the last regenerate(), kept beside the data`, async () => {
    const time = clock(Date.UTC(2026, 0, 1) + 400)
    const visit = app(make({ now: time.now, idleTimeout: 3600 }), time.now)
    assert.equal((await visit('/write')).at, null, 'an anonymous session never authenticated')
    time.advance(10)
    const loginAt = Math.floor(time.now() / 1000) * 1000
    await visit('/login')
    const after = await visit('/read')
    assert.equal(after.at, loginAt)
    assert.deepEqual(after.data, { n: 1, user: 'ada' }, 'the time is not in the data')
    time.advance(200)
    assert.equal((await visit('/write')).at, loginAt, 'a write keeps it')
    time.advance(2000)
    const renewed = await visit('/read')
    assert.equal(renewed.at, loginAt, 'a renewal keeps it')
    assert.equal(renewed.fresh, false, 'the login is older than 300 s: ask again')
    await visit('/login')
    const again = await visit('/read')
    assert.equal(again.at, Math.floor(time.now() / 1000) * 1000)
    assert.equal(again.fresh, true)
  })
}

for (const [name, make] of interopCodecs) {
  test(`${name}: the format cannot carry it, so authenticatedAt stays undefined`, async () => {
    const time = clock()
    const visit = app(make(time.now), time.now)
    await visit('/login')
    const after = await visit('/read')
    assert.equal(after.at, null)
    assert.equal(after.fresh, false, 'the pattern asks for the password again')
    assert.deepEqual(after.data, { user: 'ada' })
  })
}
