/** Testing a session handler with Deno's test runner: `deno test examples/testing/deno.test.ts`. */
/// <reference lib="deno.ns" />
// `jsr:@std/assert` works the same; node:assert needs nothing installed.
import assert from 'node:assert/strict'
// In your tests: import { fixedClock, sessionOf, sessionRequest } from 'fetch-session/testing'.
import { fixedClock, sessionOf, sessionRequest } from '../../src/testing.ts'
import { appBackends, createApp } from './app.ts'

Deno.test('a logged-in user sees the account page until the session goes idle', async () => {
  const clock = fixedClock()
  const backends = appBackends(clock.now)
  const app = createApp(backends)
  const request = await sessionRequest('http://localhost/account', { user: 'ada' }, backends)
  assert.equal(await (await app(new Request(request))).text(), 'account of ada')
  clock.advance(1800)
  assert.equal((await app(new Request(request))).status, 401)
})

Deno.test('logging out clears the session', async () => {
  const backends = appBackends()
  const request = await sessionRequest('http://localhost/logout', { user: 'ada' }, backends)
  assert.equal(await sessionOf(await createApp(backends)(request), backends), null)
})
