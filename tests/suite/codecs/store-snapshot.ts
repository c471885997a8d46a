/** storeCodec's snapshot: reads without the store inside the window, and revocation bounds. */
import assert from 'node:assert/strict'
import { memoryStore, SessionError, storeCodec } from '../../../src/index.ts'
import { idOf, instrument, storeApp } from '../../fixtures/stores.ts'
import { clock, SECRET } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('storeCodec snapshot')
const reads = (counts: { get: number }) => counts.get

for (const seal of [{ secrets: SECRET }, { encrypt: SECRET }]) {
  const how = 'secrets' in seal ? 'signed' : 'encrypted'

  test(`${how} snapshot: a read inside the window makes no store call`, async () => {
    const time = clock()
    const tools = instrument(memoryStore({ now: time.now }))
    const app = storeApp(tools.store, { ...seal, snapshot: 60, now: time.now })
    const { jar } = await app.send('/set?user=ada')
    const before = { ...tools.counts }
    for (let i = 0; i < 9; i++) {
      assert.deepEqual((await app.send('/read', jar)).body, { isNew: false, data: { user: 'ada' } })
      time.advance(5)
    }
    assert.deepEqual(tools.counts, before, 'store calls per read request inside the window: 0')
  })

  test(`${how} snapshot: past its window the store answers and the snapshot is renewed`, async () => {
    const time = clock()
    const tools = instrument(memoryStore({ now: time.now }))
    const app = storeApp(tools.store, { ...seal, snapshot: 60, now: time.now })
    const { jar } = await app.send('/set?user=ada')
    time.advance(61)
    const late = await app.send('/read', jar)
    assert.deepEqual(late.body, { isNew: false, data: { user: 'ada' } }, 'never logged out')
    assert.equal(reads(tools.counts), 1)
    assert.notEqual(late.jar, jar, 'a fresh snapshot')
    await app.send('/read', late.jar)
    assert.equal(reads(tools.counts), 1, 'the fresh snapshot answers the next read')
  })
}

test('a write goes to the store and the new token carries the new data', async () => {
  const time = clock()
  const tools = instrument(memoryStore({ now: time.now }))
  const app = storeApp(tools.store, { secrets: SECRET, snapshot: 60, now: time.now })
  const first = await app.send('/set?user=ada')
  const second = await app.send('/set?cart=3', first.jar)
  assert.equal(tools.counts.patch, 1)
  assert.deepEqual(await app.values(idOf(second.jar)), { user: 'ada', cart: '3' })
  const gets = reads(tools.counts)
  assert.deepEqual((await app.send('/read', second.jar)).body.data, { user: 'ada', cart: '3' })
  assert.equal(reads(tools.counts), gets)
})

test('a snapshot past the size budget is left out: every read is a store read', async () => {
  const tools = instrument(memoryStore())
  const app = storeApp(tools.store, { secrets: SECRET, snapshot: 60 })
  const { jar } = await app.send(`/set?blob=${'x'.repeat(5000)}`)
  assert.ok(!jar.includes('~'), 'no snapshot in the token')
  assert.ok(jar.length < 200)
  const read = await app.send('/read', jar)
  assert.equal((read.body.data.blob as string).length, 5000)
  assert.equal(reads(tools.counts), 1)
  assert.equal(read.response.headers.get('set-cookie'), null, 'no renewal on every read')
})

test('a tampered snapshot is turned down, and the id alone still opens the store', async () => {
  const app = storeApp(memoryStore(), { secrets: SECRET, snapshot: 60 })
  const { jar } = await app.send('/set?user=ada')
  const [, snap] = jar.split('~')
  const forged = `${jar.split('~')[0]}~${snap!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`
  assert.deepEqual((await app.send('/read', forged)).body, { isNew: true, data: {} })
  assert.deepEqual(app.invalid, ['signature'])
  assert.deepEqual((await app.send('/read', app.bare(jar))).body.data, { user: 'ada' })
})

test('a flash is never in a snapshot: exactly one request takes it from the store', async () => {
  const app = storeApp(memoryStore(), { secrets: SECRET, snapshot: 60 })
  const { jar } = await app.send('/flash?notice=saved')
  assert.ok(!jar.includes('~'))
  assert.equal((await app.send('/read?get=notice', jar)).body.got, 'saved')
  assert.equal((await app.send('/read?get=notice', jar)).body.got, undefined)
})

test('snapshot needs secrets or encrypt, in whole seconds', () => {
  const store = memoryStore()
  const config = (error: unknown) =>
    error instanceof SessionError && error.code === 'ERR_SESSION_CONFIG'
  assert.throws(() => storeCodec({ store, snapshot: 60 }), config)
  assert.throws(() => storeCodec({ store, secrets: SECRET, snapshot: 0.5 }), config)
  assert.throws(() => storeCodec({ store, encrypt: 'short', snapshot: 60 }), config)
})

test('revocation: two codecs on one memoryStore end a destroyed session in both at once', async () => {
  const time = clock()
  const store = memoryStore({ now: time.now })
  const options = { secrets: SECRET, snapshot: 300, now: time.now }
  const one = storeApp(store, options)
  const two = storeApp(store, options)
  const { jar } = await one.send('/set?user=ada')
  assert.equal((await two.send('/read', jar)).body.data.user, 'ada')
  await one.send('/destroy', jar)
  assert.deepEqual((await two.send('/read', jar)).body, { isNew: true, data: {} })
  const regenerated = await one.send('/set?user=bob')
  await one.send('/regenerate', regenerated.jar)
  assert.deepEqual((await two.send('/read', regenerated.jar)).body, { isNew: true, data: {} })
})

test('one-device logout: destroySession ends exactly the session with that handle', async () => {
  const time = clock()
  const index = (data: Record<string, unknown>) =>
    typeof data.user === 'string' ? { user: data.user, info: { device: data.device } } : undefined
  const app = storeApp(memoryStore({ now: time.now }), {
    ...{ secrets: SECRET, snapshot: 300, index, now: time.now },
  })
  const phone = await app.send('/set?user=ada&device=phone')
  const laptop = await app.send('/set?user=ada&device=laptop')
  const listed = await app.codec.listSessions('ada', { current: idOf(laptop.jar) })
  const target = listed.find((s) => s.info?.device === 'phone')!
  assert.equal(await app.codec.destroySession('ada', target.handle), true)
  assert.equal(await app.codec.destroySession('ada', target.handle), false, 'already gone')
  assert.equal(await app.codec.destroySession('bob', listed[0]!.handle), false, 'not his')
  assert.deepEqual((await app.send('/read', phone.jar)).body, { isNew: true, data: {} })
  assert.equal((await app.send('/read', laptop.jar)).body.data.device, 'laptop')
  await assert.rejects(app.codec.destroySession('ada', idOf(laptop.jar)), SessionError)
})

test('a token replaced by a write no longer answers from its snapshot', async () => {
  const time = clock()
  const store = memoryStore({ now: time.now })
  const options = { secrets: SECRET, snapshot: 300, now: time.now }
  const one = storeApp(store, options)
  const two = storeApp(store, options)
  const before = await one.send('/set?user=ada&role=admin')
  await one.send('/delete?key=role', before.jar)
  // The copy kept from before the write is stale: the store answers, in both codecs.
  assert.deepEqual((await one.send('/read', before.jar)).body.data, { user: 'ada' })
  assert.deepEqual((await two.send('/read', before.jar)).body.data, { user: 'ada' })
})
