/** fixedClock drives lifetimes without sleeping: idle and absolute expiry, seen through sessionOf. */
import assert from 'node:assert/strict'
import { cookie, getSession, SessionError, signedCodec, withSession } from '../../../src/index.ts'
import { fixedClock, sessionOf, sessionRequest } from '../../../src/testing.ts'
import { SECRET } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('testing/fixedClock')

test('stands still, moves by seconds, and can be set', () => {
  const clock = fixedClock(new Date(Date.UTC(2026, 0, 1)))
  assert.equal(clock.now(), Date.UTC(2026, 0, 1))
  assert.equal(clock.now(), Date.UTC(2026, 0, 1))
  clock.advance(1.5)
  assert.equal(clock.now(), Date.UTC(2026, 0, 1) + 1500)
  clock.set(0)
  assert.equal(clock.now(), 0)
  assert.throws(() => clock.set(Number.NaN), SessionError)
})

test('an idle session expires at exactly idleTimeout on the fixed clock', async () => {
  const clock = fixedClock(Date.UTC(2026, 0, 1))
  const backends = {
    codec: signedCodec({ secrets: SECRET, idleTimeout: 60, now: clock.now }),
    ...cookie(),
  }
  const app = withSession(async (request: Request) => {
    const session = await getSession<{ user?: string }>(request)
    return new Response(session.get('user') ?? 'guest')
  }, backends)
  const request = await sessionRequest('http://localhost/', { user: 'ada' }, backends)
  clock.advance(59)
  assert.equal(await (await app(request.clone())).text(), 'ada')
  clock.advance(1)
  const expired = await app(request.clone())
  assert.equal(await expired.text(), 'guest')
  assert.equal(await sessionOf(expired, backends), null, 'the idle token is cleared')
})
