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
