/** fetch-session/store, the store toolkit: each function on its own, beside the stores built on it. */
import assert from 'node:assert/strict'
import {
  applyPatch,
  checkDeadline,
  indexEntryTtl,
  isStoreIndexEntry,
  isStoreRecord,
  parseStoreIndexEntry,
  parseStoreRecord,
  type StoreRecord,
  serverClock,
  takeValue,
} from '../../src/store.ts'
import { suite } from '../harness.ts'

const test = suite('store toolkit')

const record = (): StoreRecord => ({
  created: 1_800_000_000,
  touched: 1_800_000_000,
  values: { user: '"ada"', cart: '[1]' },
})

test('applyPatch deletes, sets and touches in place, and returns the record', () => {
  const target = record()
  const patched = applyPatch(target, {
    touched: 1_800_000_060,
    set: { theme: '"dark"' },
    delete: ['cart'],
  })
  assert.equal(patched, target)
  assert.deepEqual(target, {
    created: 1_800_000_000,
    touched: 1_800_000_060,
    values: { user: '"ada"', theme: '"dark"' },
  })
})

test('applyPatch writes __proto__ and constructor as own keys, never through the prototype', () => {
  const target = record()
  const set = JSON.parse('{"__proto__":"{\\"polluted\\":true}","constructor":"1"}')
  applyPatch(target, { touched: 1, set, delete: [] })
  assert.equal(Object.getPrototypeOf(target.values), Object.prototype)
  assert.ok(Object.hasOwn(target.values, '__proto__'))
  assert.equal(
    Object.getOwnPropertyDescriptor(target.values, '__proto__')?.value,
    '{"polluted":true}',
  )
  assert.equal(target.values.constructor, '1')
  assert.equal(({} as Record<string, unknown>).polluted, undefined)
  applyPatch(target, { touched: 2, set: {}, delete: ['__proto__'] })
  assert.ok(!Object.hasOwn(target.values, '__proto__'))
})

test('takeValue removes and returns an own value; an absent or inherited key gives undefined', () => {
  const target = record()
  assert.equal(takeValue(target, 'user'), '"ada"')
  assert.equal(takeValue(target, 'user'), undefined)
  assert.equal(takeValue(target, 'toString'), undefined)
  assert.deepEqual(target.values, { cart: '[1]' })
})

test('checkDeadline refuses once the deadline has passed, naming the operation only', () => {
  checkDeadline(undefined, 'set')
  checkDeadline({}, 'set')
  checkDeadline({ deadline: Date.now() + 60_000 }, 'set')
  assert.throws(
    () => checkDeadline({ deadline: Date.now() - 1 }, 'patch'),
    /^Error: session store patch refused: its deadline had passed$/,
  )
})

test('serverClock: the deadline on the server clock, measured once and never later than the real one', async () => {
  let reads = 0
  const clock = serverClock(async () => {
    reads++
    return Date.now() + 5000
  })
  assert.equal(await clock.deadline(undefined), undefined)
  assert.equal(reads, 0, 'no call, no measurement')
  const call = { signal: new AbortController().signal, deadline: Date.now() + 2000 }
  const before = Date.now()
  const deadline = await clock.deadline(call)
  const after = Date.now()
  assert.ok(deadline !== undefined && deadline <= call.deadline + 5000, `${deadline}`)
  assert.ok(deadline >= call.deadline + 5000 - (after - before) - 1, `${deadline}`)
  await clock.deadline(call)
  await clock.offset()
  assert.equal(reads, 1, 'the offset is kept')
})

test('serverClock: a failed or nonsense measurement fails that call, and the next one measures again', async () => {
  const answers: (() => number)[] = [
    () => {
      throw new Error('connection refused')
    },
    () => Number.NaN,
    () => Date.now() - 3000,
  ]
  const clock = serverClock(async () => answers.shift()!())
  await assert.rejects(clock.offset(), /connection refused/)
  await assert.rejects(clock.offset(), /not a number/)
  const offset = await clock.offset()
  assert.ok(offset <= -3000 && offset > -3100, `${offset}`)
})

test('isStoreRecord and parseStoreRecord accept a record and nothing else', () => {
  const good = record()
  assert.ok(isStoreRecord(good))
  assert.ok(isStoreRecord({ ...good, maxAge: 60 }))
  assert.deepEqual(parseStoreRecord(JSON.stringify(good)), good)
  for (const bad of [
    null,
    [],
    { ...good, created: 1.5 },
    { ...good, touched: '1' },
    { ...good, maxAge: 0 },
    { ...good, values: [] },
    { ...good, values: { user: 1 } },
  ]) {
    assert.equal(isStoreRecord(bad), false, JSON.stringify(bad))
    assert.equal(parseStoreRecord(JSON.stringify(bad)), undefined)
  }
  assert.equal(parseStoreRecord('not json'), undefined)
})

test('isStoreIndexEntry and parseStoreIndexEntry accept an entry and nothing else', () => {
  const entry = {
    id: 'abc',
    created: 1_800_000_000,
    info: '{"device":"phone"}',
    expires: 1_800_003_601,
  }
  assert.ok(isStoreIndexEntry(entry))
  assert.ok(isStoreIndexEntry({ id: 'abc', created: 1 }))
  assert.deepEqual(parseStoreIndexEntry(JSON.stringify(entry)), entry)
  for (const bad of [
    { created: 1 },
    { id: 'a', created: 'x' },
    { id: 'a', created: 1, info: {} },
  ]) {
    assert.equal(isStoreIndexEntry(bad), false, JSON.stringify(bad))
  }
  assert.equal(parseStoreIndexEntry('{'), undefined)
})

test('indexEntryTtl: whole seconds until stale, at least 1, undefined for never', () => {
  const now = 1_800_000_000_000
  assert.equal(indexEntryTtl({ id: 'a', created: 1, expires: 1_800_000_050.2 }, now), 51)
  assert.equal(indexEntryTtl({ id: 'a', created: 1, expires: 1_799_999_000 }, now), 1)
  assert.equal(indexEntryTtl({ id: 'a', created: 1 }, now), undefined)
})
