/** Testing a session handler with node:test: `node --import tsx --test examples/testing/node.test.ts`. */
import assert from 'node:assert/strict'
import { test } from 'node:test'
// In your tests: import { fixedClock, sessionOf, sessionRequest } from 'fetch-session/testing'.
import { fixedClock, sessionOf, sessionRequest } from '../../src/testing.ts'
import { appBackends, createApp } from './app.ts'

test('a logged-in user sees the account page until the session goes idle', async () => {
  const clock = fixedClock()
  const backends = appBackends(clock.now)
  const app = createApp(backends)
  const request = await sessionRequest('http://localhost/account', { user: 'ada' }, backends)
  assert.equal(await (await app(new Request(request))).text(), 'account of ada')
  clock.advance(1800)
  assert.equal((await app(new Request(request))).status, 401)
})

test('logging out clears the session', async () => {
  const backends = appBackends()
  const request = await sessionRequest('http://localhost/logout', { user: 'ada' }, backends)
  assert.equal(await sessionOf(await createApp(backends)(request), backends), null)
})
