/** Replayed, stale and future tokens: absolute and idle lifetimes on an injected clock. */
import assert from 'node:assert/strict'
import { memoryStore, starletteCodec } from '../../../src/index.ts'
import {
  issued,
  K1,
  KITS,
  type Kit,
  NOW,
  probe,
  T0,
  toBase64url,
} from '../../fixtures/adversarial/kits.ts'
import { suite } from '../../harness.ts'

const test = suite('adversarial/time')

const byName = (prefix: string): Kit => KITS.find((kit) => kit.name.startsWith(prefix))!
/** Codecs with both lifetimes: maxAge and idleTimeout. */
const IDLE = ['signedCodec', 'encryptedCodec', 'storeCodec'].map(byName)

function settable() {
  let time = T0
  return {
    now: () => time,
    at: (seconds: number) => {
      time = T0 + seconds * 1000
    },
  }
}

test('a token replayed after its absolute lifetime is refused by every codec', async () => {
  for (const kit of KITS) {
    const clock = settable()
    const codec = kit.codec({ now: clock.now, maxAge: 3600 })
    const token = await codec.encode({ user: 'ada' })
    clock.at(3599)
    assert.equal((await probe(codec, token)).data.user, 'ada', kit.name)
    clock.at(3601)
    const late = await probe(codec, token)
    assert.deepEqual(late.data, {}, kit.name)
    // A store may have dropped the record by then: unknown, never adopted.
    assert.ok(['expired', 'unknown'].includes(late.reasons[0]!), `${kit.name}: ${late.reasons}`)
  }
})

test('renewal by activity never stretches the absolute lifetime', async () => {
  for (const kit of [...IDLE, byName('jwtCodec')]) {
    const clock = settable()
    const codec = kit.codec({
      now: clock.now,
      maxAge: 3600,
      idleTimeout: kit.name.startsWith('jwt') ? undefined : 600,
    })
    let token = await codec.encode({ visits: 0 })
    for (let at = 300; at < 3600; at += 300) {
      clock.at(at)
      const visit = await probe(codec, token, { change: (data) => (data.visits = at) })
      assert.deepEqual(visit.reasons, [], `${kit.name} at ${at}`)
      token = issued(visit.response) ?? token
    }
    clock.at(3601)
    const late = await probe(codec, token)
    assert.deepEqual(late.data, {}, kit.name)
    assert.ok(['expired', 'unknown'].includes(late.reasons[0]!), `${kit.name}: ${late.reasons}`)
  }
})

test("starletteCodec's max_age counts from the last response, as Starlette's does", async () => {
  const kit = byName('starletteCodec')
  const clock = settable()
  const codec = kit.codec({ now: clock.now, maxAge: 3600 })
  let token = await codec.encode({ user: 'ada' })
  for (let at = 3000; at <= 9000; at += 3000) {
    clock.at(at)
    const visit = await probe(codec, token)
    assert.deepEqual(visit.data, { user: 'ada' }, `at ${at}`)
    token = issued(visit.response)!
  }
})

test('a token left idle past idleTimeout is refused; one in use lives on', async () => {
  for (const kit of IDLE) {
    const clock = settable()
    const codec = kit.codec({ now: clock.now, maxAge: 86_400, idleTimeout: 600 })
    const token = await codec.encode({ user: 'ada' })
    clock.at(599)
    assert.deepEqual((await probe(codec, token)).reasons, [], kit.name)
    clock.at(601 + 599)
    const idle = await probe(codec, token)
    assert.deepEqual(idle.data, {}, kit.name)
    assert.ok(['idle', 'unknown'].includes(idle.reasons[0]!), `${kit.name}: ${idle.reasons}`)

    // Reads alone, each within the window, keep a session alive: renewal re-issues the token.
    const start = 2000
    clock.at(start)
    let current = await codec.encode({ user: 'ada' })
    for (let step = 1; step <= 10; step++) {
      clock.at(start + step * 400)
      const read = await probe(codec, current)
      assert.deepEqual(read.data, { user: 'ada' }, `${kit.name} step ${step}`)
      current = issued(read.response) ?? current
    }
  }
})

test('a token issued in the future, or starting after it was issued, is refused', async () => {
  const later = NOW + 60
  const tokens: [Kit, string][] = []
  const signed = byName('signedCodec')
  tokens.push([signed, await signed.seal!(`[${later},${later},{}]`)])
  tokens.push([signed, await signed.seal!(`[${later},${NOW},{}]`)])
  const encrypted = byName('encryptedCodec')
  tokens.push([encrypted, await encrypted.seal!(`{"iat":${later},"sst":${later},"data":{}}`)])
  tokens.push([encrypted, await encrypted.seal!(`{"iat":${NOW},"sst":${later},"data":{}}`)])
  const starlette = byName('starletteCodec')
  tokens.push([starlette, await starlette.seal!('{}', undefined, later)])
  const jwt = byName('jwtCodec')
  // The default clock tolerance forgives 5 s of skew, no more.
  tokens.push([jwt, await jwt.seal!(`{"iat":${NOW + 5.001}}`)])
  tokens.push([jwt, await jwt.seal!(`{"nbf":${NOW + 6}}`)])
  for (const [kit, token] of tokens) {
    assert.deepEqual((await probe(kit.codec(), token)).reasons, ['future'], kit.name)
  }
  // A store record whose last use lies ahead of the clock.
  const store = memoryStore({ now: () => T0 })
  const id = toBase64url(crypto.getRandomValues(new Uint8Array(16)))
  await store.set(id, { created: NOW, touched: later, values: { user: '"ada"' } }, undefined)
  const kit = byName('storeCodec')
  const outcome = await probe(kit.codec({ store }), await kit.resign([id]))
  assert.deepEqual(outcome.reasons, ['future'])
  assert.notEqual(await store.get(id), undefined, 'a record from a clock ahead is never deleted')
})

test('exp of 0, below 0 or now is expired in a JWT and in an encrypted token', async () => {
  const jwt = byName('jwtCodec')
  const encrypted = byName('encryptedCodec')
  for (const exp of [0, -1, NOW]) {
    assert.deepEqual((await probe(jwt.codec(), await jwt.seal!(`{"exp":${exp}}`))).reasons, [
      'expired',
    ])
    const sealed = await encrypted.seal!(`{"iat":${NOW},"sst":${NOW},"exp":${exp},"data":{}}`)
    assert.deepEqual((await probe(encrypted.codec(), sealed)).reasons, ['expired'])
  }
  for (const exp of ['"9999999999"', 'null', '1e400', '1.5']) {
    const sealed = await encrypted.seal!(`{"iat":${NOW},"sst":${NOW},"exp":${exp},"data":{}}`)
    assert.deepEqual((await probe(encrypted.codec(), sealed)).reasons, ['malformed'], exp)
  }
})

test('starletteCodec with maxAge null checks no time at all, as itsdangerous without max_age', async () => {
  const kit = byName('starletteCodec')
  const ancient = await kit.seal!('{"user":"ada"}', undefined, 1)
  assert.deepEqual((await probe(kit.codec(), ancient)).reasons, ['expired'])
  const unchecked = starletteCodec({ secretKey: K1, maxAge: null })
  assert.deepEqual((await probe(unchecked, ancient)).data, { user: 'ada' })
})
