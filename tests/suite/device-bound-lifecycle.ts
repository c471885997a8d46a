import assert from 'node:assert/strict'
import type { CodecBackend } from '../../src/index.ts'
import {
  cookie,
  memoryStore,
  SessionError,
  starletteCodec,
  storeCodec,
  withSession,
} from '../../src/index.ts'
import { DBSC_SECRET, dbscApp } from '../fixtures/dbsc-app.ts'
import { DbscBrowser, DeviceKeyPair, readRegistration } from '../fixtures/dbsc-client.ts'
import { SECRET } from '../fixtures/suite.ts'
import { suite } from '../harness.ts'

const test = suite('device-bound lifecycle')

const me = async (browser: DbscBrowser) => (await browser.fetch('/me')).json()

test('regenerate() asks for a new key; the old bound session ends at its next refresh', async () => {
  const { handler } = dbscApp()
  const browser = new DbscBrowser(handler, await DeviceKeyPair.generate())
  await browser.register(await browser.fetch('/login'))
  const oldId = browser.sessionId
  const regenerated = await browser.fetch('/regenerate')
  assert.ok(readRegistration(regenerated.headers.get('secure-session-registration')))
  assert.ok(
    regenerated.headers.getSetCookie().some((line) => /^__Host-bound=; Max-Age=0/.test(line)),
  )
  assert.deepEqual(await me(browser), { user: 'ada', bound: false })
  const ended = await browser.refresh()
  assert.deepEqual(await ended.json(), { session_identifier: oldId, continue: false })

  const next = new DbscBrowser(handler, await DeviceKeyPair.generate())
  next.jar = browser.jar
  assert.equal((await next.register(regenerated)).status, 200)
  assert.notEqual(next.sessionId, oldId)
  assert.deepEqual(await me(next), { user: 'ada', bound: true })
})

test('validAfter ends the binding: the next refresh says continue false', async () => {
  let after: number | undefined
  const { handler, time } = dbscApp(undefined, {}, { validAfter: () => after })
  const browser = new DbscBrowser(handler, await DeviceKeyPair.generate())
  await browser.register(await browser.fetch('/login'))
  time.advance(10)
  after = time.now()
  const ended = await browser.refresh()
  assert.equal((await ended.json()).continue, false)
  assert.deepEqual(await me(browser), { user: null, bound: false })
})

test('destroySessions ends every device of a user, the one kept included only if asked', async () => {
  const store = memoryStore()
  const codec = storeCodec({ store, secrets: SECRET, index: (data) => data.user as string })
  const { handler } = dbscApp(() => codec)
  const laptop = new DbscBrowser(handler, await DeviceKeyPair.generate())
  await laptop.register(await laptop.fetch('/login'))
  const phone = new DbscBrowser(handler, await DeviceKeyPair.generate('RS256'))
  await phone.register(await phone.fetch('/login'))
  assert.equal(await codec.destroySessions('ada'), 2)
  for (const device of [laptop, phone]) {
    assert.equal((await (await device.refresh()).json()).continue, false)
  }
})

test('the bound cookie never outlives the session token', async () => {
  const { handler } = dbscApp((time) =>
    storeCodec({ store: memoryStore(), maxAge: 120, now: time.now }),
  )
  const browser = new DbscBrowser(handler, await DeviceKeyPair.generate())
  const registered = await browser.register(await browser.fetch('/login'))
  const bound = registered.headers.getSetCookie().find((l) => l.startsWith('__Host-bound='))
  assert.match(bound!, /Max-Age=120;/)
})

test('deviceBound is refused with a codec that cannot keep the key, and checked once', () => {
  const bad = (codec: CodecBackend, deviceBound: unknown) => () =>
    withSession(
      () => new Response(),
      { codec, ...cookie() },
      {
        deviceBound: deviceBound as { secrets: string },
      },
    )
  const config = (error: unknown) =>
    error instanceof SessionError && error.code === 'ERR_SESSION_CONFIG'
  const starlette = starletteCodec({ secretKey: SECRET })
  assert.throws(bad(starlette, { secrets: DBSC_SECRET }), /carriesBinding/)
  const signed = storeCodec({ store: memoryStore() })
  assert.throws(bad(signed, { secrets: 'short' }), config)
  assert.throws(bad(signed, { secrets: DBSC_SECRET, boundFor: 300_000 }), config)
  assert.throws(bad(signed, { secrets: DBSC_SECRET, refreshPth: '/r' }), /did you mean refreshPath/)
  assert.throws(bad(signed, { secrets: DBSC_SECRET, registerPath: 'dbsc' }), config)
  assert.throws(bad(signed, { secrets: DBSC_SECRET, algorithms: ['HS256'] }), config)
  assert.throws(bad(signed, { secrets: DBSC_SECRET, unbound: 'maybe' }), config)
})
