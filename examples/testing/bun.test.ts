/** Testing a session handler with Bun's test runner: `bun test ./examples/testing/bun.test.ts`. */
import { expect, test } from 'bun:test'
// In your tests: import { fixedClock, sessionOf, sessionRequest } from 'fetch-session/testing'.
import { fixedClock, sessionOf, sessionRequest } from '../../src/testing.ts'
import { appBackends, createApp } from './app.ts'

test('a logged-in user sees the account page until the session goes idle', async () => {
  const clock = fixedClock()
  const backends = appBackends(clock.now)
  const app = createApp(backends)
  const request = await sessionRequest('http://localhost/account', { user: 'ada' }, backends)
  expect(await (await app(new Request(request))).text()).toBe('account of ada')
  clock.advance(1800)
  expect((await app(new Request(request))).status).toBe(401)
})

test('logging out clears the session', async () => {
  const backends = appBackends()
  const request = await sessionRequest('http://localhost/logout', { user: 'ada' }, backends)
  expect(await sessionOf(await createApp(backends)(request), backends)).toBe(null)
})
