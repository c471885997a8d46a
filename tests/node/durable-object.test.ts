/**
 * durableObjectStore and SessionObject in workerd (Miniflare), without nodejs_compat: the store
 * conformance suite through the namespace binding and again inside the Worker (so
 * fetch-session/testing needs no node:assert), and 50 concurrent writers on one session inside a
 * Worker, beside the same race on Workers KV.
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Miniflare } from 'miniflare'
import {
  type DurableObjectNamespaceLike,
  durableObjectStore,
  type SessionStore,
} from '../../src/index.ts'
import { fixedClock, storeConformance } from '../../src/testing.ts'
import { idOf, storeApp } from '../fixtures/stores.ts'
import { bundleWorker, COMPATIBILITY_DATE } from '../runners/worker-bundle.ts'

process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false'
const WRITERS = 50
const KEY = 'an-encryption-key-of-at-least-32-bytes'

describe('durableObjectStore (Durable Objects in Miniflare)', () => {
  let mf: Miniflare
  let namespace: DurableObjectNamespaceLike
  let prefixes = 0

  before(async () => {
    const contents = await bundleWorker(
      new URL('../fixtures/servers/durable-object-worker.ts', import.meta.url).pathname,
    )
    mf = new Miniflare({
      modules: [{ type: 'ESModule', path: 'worker.mjs', contents }],
      compatibilityDate: COMPATIBILITY_DATE,
      durableObjects: { SESSIONS: 'SessionObject' },
      kvNamespaces: ['KV'],
    })
    namespace = (await mf.getDurableObjectNamespace(
      'SESSIONS',
    )) as unknown as DurableObjectNamespaceLike
  })
  after(async () => {
    await mf?.dispose()
  })

  const fixture = (name: string) => () => {
    const prefix = `${name}${prefixes++}:`
    const store = durableObjectStore(namespace, { prefix })
    return {
      store,
      atomic: true,
      ttl: async (id: string) => {
        const stub = namespace.get(namespace.idFromName(`${prefix}s:${id}`) as never)
        const response = await stub.fetch('https://session-object/', {
          method: 'POST',
          body: JSON.stringify({ op: 'expires' }),
        })
        const { result } = (await response.json()) as { result: number | null }
        return result === null ? undefined : Math.round((result - Date.now()) / 1000)
      },
    }
  }
  storeConformance(fixture('suite'), { test })

  storeConformance(fixture('snap'), {
    test: (name, fn) => test(`snapshot+encrypt: ${name}`, fn),
    codec: { snapshot: 300, encrypt: KEY },
  })

  test('encrypt: the Durable Objects hold no plaintext of a marker value', async () => {
    const ask = async (name: string, op: string) => {
      const stub = namespace.get(namespace.idFromName(`raw:${name}`) as never)
      const response = await stub.fetch('https://session-object/', {
        method: 'POST',
        body: JSON.stringify({ op }),
      })
      return JSON.stringify(await response.json())
    }
    const index = (data: Record<string, unknown>) => ({
      user: String(data.user),
      info: { device: data.device },
    })
    const app = storeApp(durableObjectStore(namespace, { prefix: 'raw:' }), { encrypt: KEY, index })
    const { jar } = await app.send('/set?user=ada&device=marker-41c7&note=marker-41c7')
    const raw = (await ask(`s:${idOf(jar)}`, 'get')) + (await ask('u:ada', 'indexList'))
    assert.ok(raw.includes('note') && raw.includes('info'), raw)
    assert.ok(!raw.includes('marker-41c7'), raw)
    assert.equal((await app.send('/read', jar)).body.data.note, 'marker-41c7')
  })

  for (const pull of [true, false]) {
    test(`two codec instances ${pull ? 'pulling from' : 'without'} the revocations object: the bound`, async () => {
      const prefix = `two${prefixes++}:`
      const make = () => {
        const clock = fixedClock()
        const store = durableObjectStore(namespace, { prefix })
        const used = pull ? store : { ...store, pullRevocations: undefined }
        return { clock, app: storeApp(used, { secrets: KEY, snapshot: 30, now: clock.now }) }
      }
      const one = make()
      const two = make()
      const live = async (jar: string) => !(await two.app.send('/read', jar)).body.isNew
      const sessions = await Promise.all([1, 2].map((n) => one.app.send(`/set?user=u${n}`)))
      for (const { jar } of sessions) assert.ok(await live(jar), 'two answers from the snapshot')
      await one.app.send('/destroy', sessions[0]!.jar)
      await one.app.send('/regenerate', sessions[1]!.jar)
      // Inside the second since its last pull, the other instance has not asked yet.
      for (const { jar } of sessions) assert.equal(await live(jar), true)
      two.clock.advance(1)
      for (const { jar } of sessions) assert.equal(await live(jar), !pull)
      // Past the window every instance reads the store: the bound is `snapshot` seconds.
      two.clock.advance(30)
      for (const { jar } of sessions) assert.equal(await live(jar), false)
    })
  }

  test('a revocations object that cannot be reached: no snapshot is trusted', async () => {
    const clock = fixedClock()
    const store = durableObjectStore(namespace, { prefix: `down${prefixes++}:` })
    const app = storeApp(store, { secrets: KEY, snapshot: 30, now: clock.now })
    const { jar } = await app.send('/set?user=ada')
    let reads = 0
    const unreachable: SessionStore = {
      ...store,
      get: (id, call) => {
        reads++
        return store.get(id, call)
      },
      pullRevocations: () => Promise.reject(new Error('unreachable')),
    }
    const failing = storeApp(unreachable, { secrets: KEY, snapshot: 30, now: clock.now })
    assert.equal((await failing.send('/read', jar)).body.data.user, 'ada')
    assert.equal(reads, 1, 'answered by the store instead of the snapshot')
  })

  test('storeConformance runs inside the Worker without nodejs_compat, and passes', async () => {
    const response = await mf.dispatchFetch('http://worker/conformance')
    const results = (await response.json()) as { name: string; error?: string }[]
    assert.ok(results.length >= 20, `${results.length} cases`)
    assert.deepEqual(
      results.filter((result) => result.error !== undefined),
      [],
    )
  })

  /** 50 writers in the Worker, each setting its own key after all have read the session. */
  async function race(
    store: 'do' | 'kv',
    round: string,
  ): Promise<{ kept: number; overlapped: number }> {
    const start = await mf.dispatchFetch(`http://worker/start?store=${store}`)
    const jar = start.headers.getSetCookie()[0]!.split(';')[0]!
    const statuses = await Promise.all(
      Array.from({ length: WRITERS }, async (_, i) => {
        const response = await mf.dispatchFetch(
          `http://worker/write?store=${store}&key=k${i}&n=${WRITERS}&round=${round}`,
          { headers: { cookie: jar } },
        )
        await response.arrayBuffer()
        return response.status
      }),
    )
    assert.deepEqual(new Set(statuses), new Set([200]))
    const count = await mf.dispatchFetch(`http://worker/count?store=${store}&round=${round}`, {
      headers: { cookie: jar },
    })
    return (await count.json()) as { kept: number; overlapped: number }
  }

  test(`${WRITERS} concurrent writers on one session: durableObjectStore keeps all ${WRITERS}`, async () => {
    for (let trial = 0; trial < 3; trial++) {
      const { kept, overlapped } = await race('do', `do${trial}`)
      console.log(`durableObjectStore: ${WRITERS} writers, ${overlapped} in flight, ${kept} kept`)
      assert.equal(overlapped, WRITERS)
      assert.equal(kept, WRITERS)
    }
  })

  test(`control: the same race on kvStore loses updates (its documented weakness)`, async () => {
    const results: number[] = []
    for (let trial = 0; trial < 3; trial++) {
      const { kept, overlapped } = await race('kv', `kv${trial}`)
      console.log(`kvStore: ${WRITERS} writers, ${overlapped} in flight, ${kept} kept`)
      assert.equal(overlapped, WRITERS)
      results.push(kept)
    }
    assert.ok(
      results.every((kept) => kept < WRITERS),
      `kept ${results.join(', ')}`,
    )
  })
})
