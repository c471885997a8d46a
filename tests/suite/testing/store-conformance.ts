/** storeConformance: passes on the Map store of docs/stores.md, fails the stores that get it wrong. */
import assert from 'node:assert/strict'
import { mapStore } from '../../../examples/testing/map-store.ts'
import { SessionError, type SessionStore } from '../../../src/index.ts'
import { fixedClock, storeConformance } from '../../../src/testing.ts'
import { losesConcurrentWrites, patchesByAssignment } from '../../fixtures/lossy-store.ts'
import { suite } from '../../harness.ts'

const test = suite('storeConformance')

/** Runs the suite on `store` with a runner of its own: every case's name and error, if any. */
async function verdicts(
  store: (now: () => number) => SessionStore,
): Promise<{ name: string; error?: unknown }[]> {
  const cases: { name: string; fn: () => Promise<void> }[] = []
  storeConformance(
    () => {
      const clock = fixedClock()
      return { store: store(clock.now), clock }
    },
    { test: (name, fn) => cases.push({ name, fn }) },
  )
  const out: { name: string; error?: unknown }[] = []
  for (const { name, fn } of cases) {
    try {
      await fn()
      out.push({ name })
    } catch (error) {
      out.push({ name, error })
    }
  }
  return out
}

test('the Map store of docs/stores.md passes every case', async () => {
  const results = await verdicts(mapStore)
  assert.ok(results.length >= 21, `${results.length} cases`)
  assert.deepEqual(
    results.filter((result) => result.error !== undefined),
    [],
  )
})

test('a store that loses concurrent writes fails, on the concurrent-writes case', async () => {
  const results = await verdicts((now) => losesConcurrentWrites(mapStore(now)))
  const failed = results.filter((result) => result.error !== undefined)
  assert.deepEqual(
    failed.map((result) => result.name),
    ['concurrent requests changing different keys: none is lost (KV: last writer wins)'],
  )
  assert.match(String((failed[0]!.error as Error).message), /every concurrent change landed/)
})

test('a store that patches by assignment fails the __proto__ case wherever assignment drops the key', async () => {
  // Deno removes Object.prototype.__proto__, so there assignment makes an own key and is right.
  const probe: Record<string, string> = {}
  Reflect.set(probe, '__proto__', '"x"')
  const dropped = !Object.hasOwn(probe, '__proto__')
  const results = await verdicts((now) => patchesByAssignment(mapStore(now)))
  const failed = results.filter((result) => result.error !== undefined).map((result) => result.name)
  const protoCase = 'a key named __proto__ is kept as plain data: created, added, changed, deleted'
  assert.equal(failed.includes(protoCase), dropped, failed.join())
})

test('storeConformance needs a make function and the runner’s test function', () => {
  const config = (error: unknown) =>
    error instanceof SessionError && error.code === 'ERR_SESSION_CONFIG'
  assert.throws(() => storeConformance(undefined as never, { test: () => {} }), config)
  assert.throws(() => storeConformance(() => mapStore(), {} as never), config)
})

test('make may return the store alone; a make that returns nothing fails each case clearly', async () => {
  const cases: { name: string; fn: () => Promise<void> }[] = []
  storeConformance(() => mapStore(), { test: (name, fn) => cases.push({ name, fn }) })
  await cases[0]!.fn()
  const empty: (() => Promise<void>)[] = []
  storeConformance(() => undefined as never, { test: (_, fn) => empty.push(fn) })
  await assert.rejects(empty[0]!(), /make must return a store/)
})
