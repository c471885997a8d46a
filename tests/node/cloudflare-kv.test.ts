/** kvStore against a real Workers KV namespace (Miniflare / workerd), running the store suite. */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Miniflare } from 'miniflare'
import { type KvNamespaceLike, kvStore } from '../../src/index.ts'
import { storeConformance } from '../../src/testing.ts'
import { idOf, storeApp } from '../fixtures/stores.ts'

type Namespace = Omit<KvNamespaceLike, 'list'> & {
  list(options: { prefix: string; cursor?: string }): Promise<{
    keys: { name: string; expiration?: number }[]
    list_complete: boolean
    cursor?: string
  }>
}

describe('kvStore (Cloudflare KV in Miniflare)', () => {
  let mf: Miniflare
  let namespace: Namespace
  let prefixes = 0

  /** Seconds until the key expires, as KV reports it; `undefined` when missing or not expiring. */
  async function ttl(key: string): Promise<number | undefined> {
    const { keys } = await namespace.list({ prefix: key })
    const expiration = keys.find((entry) => entry.name === key)?.expiration
    return expiration === undefined ? undefined : expiration - Math.floor(Date.now() / 1000)
  }

  before(async () => {
    mf = new Miniflare({
      modules: true,
      script: 'export default { fetch: () => new Response(null, { status: 404 }) }',
      kvNamespaces: ['SESSIONS'],
    })
    namespace = (await mf.getKVNamespace('SESSIONS')) as unknown as Namespace
  })
  after(async () => {
    await mf?.dispose()
  })

  storeConformance(
    () => {
      const prefix = `suite${prefixes++}:`
      return {
        store: kvStore(namespace, { prefix }),
        atomic: false,
        minTtl: 60,
        ttl: (id) => ttl(prefix + id),
      }
    },
    { test },
  )

  storeConformance(
    () => {
      const prefix = `suite${prefixes++}:`
      return {
        store: kvStore(namespace, { prefix }),
        atomic: false,
        minTtl: 60,
        ttl: (id) => ttl(prefix + id),
      }
    },
    {
      test: (name, fn) => test(`snapshot+encrypt: ${name}`, fn),
      codec: { snapshot: 300, encrypt: 'an-encryption-key-of-at-least-32-bytes' },
    },
  )

  test('a TTL under 60 seconds is stored as 60 and the codec still expires the session on time', async () => {
    let now = Date.now()
    const app = storeApp(kvStore(namespace, { prefix: 'short:' }), { maxAge: 10, now: () => now })
    const { jar } = await app.send('/set?user=ada')
    const left = await ttl(`short:${idOf(jar)}`)
    assert.ok(left !== undefined && left >= 58 && left <= 60, `TTL ${left}`)
    now += 11_000
    assert.deepEqual((await app.send('/read', jar)).body, { isNew: true, data: {} })
    assert.deepEqual(app.invalid, ['expired'])
  })

  test('a record that is not JSON reads as an unknown session', async () => {
    const app = storeApp(kvStore(namespace, { prefix: 'junk:' }))
    await namespace.put('junk:AAAAAAAAAAAAAAAAAAAAAA', 'not json')
    assert.deepEqual((await app.send('/read', 'session=AAAAAAAAAAAAAAAAAAAAAA')).body, {
      isNew: true,
      data: {},
    })
    assert.deepEqual(app.invalid, ['unknown'])
  })
})
