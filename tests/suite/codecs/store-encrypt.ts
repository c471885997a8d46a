/** storeCodec's encryption at rest: ciphertext in the store, bound to its id, keys rotated. */
import assert from 'node:assert/strict'
import { memoryStore } from '../../../src/index.ts'
import { idOf, storeApp } from '../../fixtures/stores.ts'
import { OTHER_SECRET, SECRET } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('storeCodec encrypt')
const MARKER = 'marker-7f3a9c'
const index = (data: Record<string, unknown>) =>
  typeof data.user === 'string' ? { user: data.user, info: { device: data.device } } : undefined

test('the store holds no plaintext of the data, the index summary or the snapshot', async () => {
  const store = memoryStore()
  const app = storeApp(store, { encrypt: SECRET, snapshot: 60, index })
  const { jar } = await app.send(`/set?user=ada&device=${MARKER}&note=${MARKER}`)
  const raw = JSON.stringify([await store.get(idOf(jar)), await store.indexList!('ada')])
  assert.ok(!raw.includes(MARKER), raw)
  assert.ok(!decodeURIComponent(jar).includes(MARKER), 'nor does the snapshot in the token')
  assert.ok(
    !atob(jar.split('~')[1]!.slice(8).replace(/-/g, '+').replace(/_/g, '/')).includes(MARKER),
  )
  assert.deepEqual((await app.send('/read', app.bare(jar))).body.data.note, MARKER)
  const [listed] = await app.codec.listSessions('ada')
  assert.equal(listed?.info?.device, MARKER)
})

test('a record copied under another id does not open', async () => {
  const store = memoryStore()
  const app = storeApp(store, { encrypt: SECRET })
  const victim = await app.send('/set?user=ada&role=admin')
  const attacker = await app.send('/set?user=eve')
  const record = (await store.get(idOf(victim.jar)))!
  await store.set(idOf(attacker.jar), record, 3600)
  assert.deepEqual((await app.send('/read', attacker.jar)).body, { isNew: true, data: {} })
  assert.deepEqual(app.invalid, ['malformed'])
  // A value moved to another key of the same record does not open either.
  const moved = { ...record, values: { role: record.values.user!, user: record.values.role! } }
  await store.set(idOf(victim.jar), moved, 3600)
  assert.deepEqual((await app.send('/read', victim.jar)).body, { isNew: true, data: {} })
})

test('a rotated key still opens, and the record is re-encrypted under the newest on its next use', async () => {
  const store = memoryStore()
  const before = storeApp(store, { encrypt: SECRET })
  const { jar } = await before.send('/set?user=ada&cart=3')
  const old = (await store.get(idOf(jar)))!.values
  const after = storeApp(store, { encrypt: [OTHER_SECRET, SECRET] })
  const read = await after.send('/read', jar)
  assert.deepEqual(read.body.data, { user: 'ada', cart: '3' })
  const now = (await store.get(idOf(jar)))!.values
  assert.notEqual(now.user, old.user)
  assert.notEqual(now.cart, old.cart, 'every value, not only the changed ones')
  const newest = storeApp(store, { encrypt: OTHER_SECRET })
  assert.deepEqual((await newest.send('/read', jar)).body.data, { user: 'ada', cart: '3' })
  const stranger = storeApp(store, { encrypt: 'a-different-secret-of-32-bytes-or-more!' })
  assert.deepEqual((await stranger.send('/read', jar)).body, { isNew: true, data: {} })
})

test('a flash is taken and opened in one step', async () => {
  const app = storeApp(memoryStore(), { encrypt: SECRET })
  const { jar } = await app.send(`/flash?notice=${MARKER}`)
  assert.equal((await app.send('/read?get=notice', jar)).body.got, MARKER)
  assert.equal((await app.send('/read?get=notice', jar)).body.got, undefined)
})
