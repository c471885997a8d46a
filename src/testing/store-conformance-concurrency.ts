/** @module storeConformance's concurrent requests: lost writes, late writes, flashes. Internal. */
import * as assert from './assert.ts'
import { idOf, storeApp } from './store-app.ts'
import type { MakeFixture, Register } from './store-conformance.ts'

/** Part of `storeConformance`: requests that read one session before any of them commits. */
export function concurrencyCases(make: MakeFixture, test: Register): void {
  test('concurrent requests changing different keys: none is lost (KV: last writer wins)', async () => {
    const { store, atomic } = await make()
    const app = storeApp(store)
    const { jar } = await app.send('/set?old1=x&old2=y')
    const holds = Array.from({ length: 12 }, (_, i) => app.hold(`r${i}`))
    // Every request reads the same record before any of them commits.
    const sent = holds.map((_, i) =>
      i < 10
        ? app.send(`/set?as=r${i}&k${i}=${i}`, jar)
        : app.send(`/delete?as=r${i}&key=old${i - 9}`, jar),
    )
    await Promise.all(holds.map((hold) => hold.loaded))
    for (const hold of holds) hold.release()
    const responses = await Promise.all(sent)
    assert.ok(
      responses.every((r) => idOf(r.jar) === idOf(jar)),
      'no request changed the id',
    )
    const stored = await app.values(idOf(jar))
    if (atomic) {
      const expected = Object.fromEntries(
        Array.from({ length: 10 }, (_, i) => [`k${i}`, String(i)]),
      )
      assert.deepEqual(stored, expected, 'every concurrent change landed')
    } else {
      // Read-modify-write: the record survives, holding at least the last writer's change.
      assert.ok(stored !== undefined && Object.keys(stored).length >= 1)
    }
  })

  test('two requests changing the same key: the last commit wins', async () => {
    const { store } = await make()
    const app = storeApp(store)
    const { jar } = await app.send('/set?colour=red&size=m')
    const first = app.hold('first')
    const second = app.hold('second')
    const a = app.send('/set?as=first&colour=green', jar)
    const b = app.send('/set?as=second&colour=blue', jar)
    await Promise.all([first.loaded, second.loaded])
    first.release()
    await a
    second.release()
    await b
    assert.deepEqual(await app.values(idOf(jar)), { colour: 'blue', size: 'm' })
  })

  test('a destroyed session is not brought back by a concurrent write', async () => {
    const { store } = await make()
    const app = storeApp(store)
    const { jar } = await app.send('/set?user=ada')
    const late = app.hold('late')
    const write = app.send('/set?as=late&theme=dark', jar)
    await late.loaded
    await app.send('/destroy', jar)
    late.release()
    const { jar: after } = await write
    assert.equal(await store.get(idOf(jar)), undefined, 'old record stays deleted')
    assert.notEqual(idOf(after), idOf(jar))
    // Only the late request's own change moves to the new id: the logged-out user does not.
    assert.deepEqual(await app.values(idOf(after)), { theme: 'dark' })
  })

  test('a flash is read by exactly one of many concurrent requests (KV: at least one)', async () => {
    const { store, atomic } = await make()
    const app = storeApp(store)
    const { jar } = await app.send('/flash?notice=saved')
    const readers = Array.from({ length: 10 }, (_, i) => app.hold(`r${i}`))
    const sent = readers.map((_, i) => app.send(`/read?as=r${i}&get=notice`, jar))
    await Promise.all(readers.map((hold) => hold.loaded))
    for (const hold of readers) hold.release()
    const got = (await Promise.all(sent)).map((r) => r.body.got).filter((v) => v !== undefined)
    if (atomic) assert.deepEqual(got, ['saved'], 'one reader got the flash')
    else assert.ok(got.length >= 1 && got.every((v) => v === 'saved'))
    const after = await app.send('/read?get=notice', jar)
    assert.equal(after.body.got, undefined, 'gone once read')
  })

  test('a flash that the loading request does not read stays for a later one', async () => {
    const { store } = await make()
    const app = storeApp(store)
    const { jar } = await app.send('/flash?notice=saved')
    assert.equal((await app.send('/set?other=1', jar)).body.got, undefined)
    assert.equal((await app.send('/read?get=notice', jar)).body.got, 'saved')
    assert.equal((await app.send('/read?get=notice', jar)).body.got, undefined)
  })
}
