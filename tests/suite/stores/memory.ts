/** memoryStore against the store conformance suite, and its eviction. */
import assert from 'node:assert/strict'
import { memoryStore } from '../../../src/index.ts'
import { storeConformance } from '../../../src/testing.ts'
import { clock, SECRET } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

storeConformance(
  () => {
    const time = clock()
    return { store: memoryStore({ now: time.now }), clock: time }
  },
  { test: suite('memoryStore') },
)

storeConformance(
  () => {
    const time = clock()
    return { store: memoryStore({ now: time.now }), clock: time }
  },
  {
    test: suite('memoryStore with snapshot and encrypt'),
    codec: { snapshot: 300, encrypt: SECRET },
  },
)

const test = suite('memoryStore')
const record = (n: number) => ({ created: n, touched: n, values: { n: String(n) } })

test('when full, the least recently used session goes: reads count', async () => {
  const store = memoryStore({ maxEntries: 3 })
  for (const id of ['a', 'b', 'c']) await store.set(id, record(1), undefined)
  assert.notEqual(await store.get('a'), undefined)
  await store.set('d', record(2), undefined)
  assert.equal(await store.get('b'), undefined, 'b was the least recently used')
  assert.deepEqual(
    await Promise.all(['a', 'c', 'd'].map(async (id) => (await store.get(id)) !== undefined)),
    [true, true, true],
  )
})

test('a user who keeps reading survives a flood of first visits smaller than maxEntries', async () => {
  const store = memoryStore({ maxEntries: 1000 })
  await store.set('user', record(1), 3600)
  for (let i = 0; i < 10_000; i++) {
    await store.set(`anon${i}`, record(i), 3600)
    if (i % 500 === 0) assert.notEqual(await store.get('user'), undefined, `gone after ${i}`)
  }
  await store.set('quiet', record(1), 3600)
  for (let i = 0; i < 1000; i++) await store.set(`flood${i}`, record(i), 3600)
  assert.equal(await store.get('quiet'), undefined, 'maxEntries new sessions evict an idle one')
})

test('expired sessions are reclaimed by later calls, a few per call, without a timer', async () => {
  const time = clock()
  const store = memoryStore({ maxEntries: 100, now: time.now })
  const index = store.indexSet!.bind(store)
  for (let i = 0; i < 50; i++) {
    await store.set(`old${i}`, record(i), 10)
    await index('ada', { id: `old${i}`, created: i })
  }
  time.advance(11)
  // Reads of another session only: each checks a few entries and drops the expired ones.
  await store.set('live', record(1), 3600)
  for (let i = 0; i < 20; i++) await store.get('live')
  assert.deepEqual(await store.indexList!('ada'), [], 'every expired session left the index')
})

test('a session used again outlives any number of sessions that are never used again', async () => {
  const store = memoryStore({ maxEntries: 10 })
  await store.set('user', record(1), 3600)
  assert.notEqual(await store.get('user'), undefined)
  await store.set('once', record(1), 3600)
  for (let i = 0; i < 1000; i++) await store.set(`scan${i}`, record(i), 3600)
  assert.notEqual(await store.get('user'), undefined, 'the session that came back stays')
  assert.equal(await store.get('once'), undefined, 'a one-visit session goes with the scan')
  assert.notEqual(await store.get('scan999'), undefined, 'the newest first visits are kept')
})

test('sessions that came back fill at most their share; beyond it the least recently used one is evicted first', async () => {
  // maxEntries 5: at most 4 returning sessions; the fifth to come back demotes the first.
  const store = memoryStore({ maxEntries: 5 })
  for (const id of ['a', 'b', 'c', 'd', 'e']) await store.set(id, record(1), 3600)
  for (const id of ['a', 'b', 'c', 'd', 'e']) assert.notEqual(await store.get(id), undefined)
  await store.set('f', record(2), 3600)
  const kept = async (id: string) => (await store.get(id)) !== undefined
  assert.deepEqual(await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map(kept)), [
    false,
    true,
    true,
    true,
    true,
    true,
  ])
})

test('a flood of one-visit sessions, 20 × maxEntries in 20 s: users coming back every 0.5 to 3 s lose none, memory stays bounded', async () => {
  // The scale of 200,000 first visits in 20 s against the default 10,000 entries, divided by
  // ten: one new session every millisecond, maxEntries 1000 (plain LRU keeps a user for 1 s).
  const time = clock()
  const store = memoryStore({ maxEntries: 1000, now: time.now })
  const users = Array.from({ length: 50 }, (_, i) => ({
    id: `user${i}`,
    every: 500 + Math.round((2500 * i) / 49),
    next: 0,
  }))
  // Each user has logged in and come back once before the flood starts.
  for (const user of users) {
    await store.set(user.id, record(1), 1800)
    await store.get(user.id)
    user.next = user.every
  }
  const lost: string[] = []
  for (let ms = 0; ms < 20_000; ms++) {
    await store.set(`flood${ms}`, record(ms), 1800)
    for (const user of users) {
      if (user.next > ms) continue
      user.next += user.every
      if ((await store.get(user.id)) === undefined) lost.push(`${user.id} at ${ms} ms`)
    }
    time.advance(0.001)
  }
  assert.deepEqual(lost, [])
  let live = 0
  for (let ms = 0; ms < 20_000; ms++) if ((await store.get(`flood${ms}`)) !== undefined) live++
  assert.ok(live > 0 && live + users.length <= 1000, `${live} flood sessions kept`)
})
