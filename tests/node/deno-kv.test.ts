/** denoKvStore through the real `deno` binary and `Deno.openKv(':memory:')`, running the store suite. */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { test } from 'node:test'
import { bin } from '../fixtures/frameworks.ts'

const root = new URL('../../', import.meta.url)
const at = (path: string) => JSON.stringify(new URL(path, root).href)

// Runs inside Deno. Deno KV cannot report a key's TTL, so a thin proxy records the `expireIn` each
// write asks for: the suite then checks what the store requests, and the codec checks the rest.
const script = `
import { storeConformance } from ${at('src/testing.ts')}
import { denoKvStore } from ${at('src/index.ts')}
import { storeApp } from ${at('src/testing/store-app.ts')}
const kv = await Deno.openKv(':memory:')
const expiry = new Map()
const note = (key, options) => expiry.set(key.join('/'), options?.expireIn)
const spy = {
  get: (key) => kv.get(key),
  delete: (key) => kv.delete(key),
  list: (selector) => kv.list(selector),
  set: (key, value, options) => (note(key, options), kv.set(key, value, options)),
  atomic() {
    const op = kv.atomic()
    const wrapped = {
      check: (...checks) => (op.check(...checks), wrapped),
      set: (key, value, options) => (note(key, options), op.set(key, value, options), wrapped),
      commit: () => op.commit(),
    }
    return wrapped
  },
}
let fixtures = 0
const cases = []
const fixture = () => {
  const prefix = ['suite', fixtures++]
  return {
    store: denoKvStore(spy, { prefix }),
    atomic: true,
    ttl: async (id) => {
      const ms = expiry.get([...prefix, id].join('/'))
      return ms === undefined || (await kv.get([...prefix, id])).value === null ? undefined : ms / 1000
    },
  }
}
storeConformance(fixture, { test: (name, fn) => cases.push({ name, fn }) })
const codec = { snapshot: 300, encrypt: 'an-encryption-key-of-at-least-32-bytes' }
storeConformance(fixture, { test: (name, fn) => cases.push({ name: 'snapshot+encrypt: ' + name, fn }), codec })
cases.push({
  name: 'encrypt: Deno KV holds no plaintext of a marker value',
  async fn() {
    const index = (data) => ({ user: data.user, info: { device: data.device } })
    const app = storeApp(denoKvStore(kv, { prefix: ['raw'] }), { encrypt: codec.encrypt, index })
    const { jar } = await app.send('/set?user=ada&device=marker-9d2e&note=marker-9d2e')
    const raw = []
    for await (const entry of kv.list({ prefix: ['raw'] })) raw.push(entry)
    const text = JSON.stringify(raw)
    if (raw.length < 2 || !text.includes('note')) throw new Error('nothing stored: ' + text)
    if (text.includes('marker-9d2e')) throw new Error('plaintext at rest: ' + text)
    const read = await app.send('/read', jar)
    if (read.body.data.note !== 'marker-9d2e') throw new Error('does not read back')
  },
})
for (const { name, fn } of cases) {
  try {
    await fn()
    console.log(JSON.stringify({ name, ok: true }))
  } catch (error) {
    console.log(JSON.stringify({ name, ok: false, error: String(error?.stack ?? error) }))
  }
}
kv.close()
`

test('denoKvStore passes the store suite on Deno', async (t) => {
  const deno = bin('deno')
  const child = spawn(deno, ['eval', '--unstable-kv', '--ext=ts', script], {
    cwd: root.pathname,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (chunk) => (out += chunk))
  child.stderr.on('data', (chunk) => (err += chunk))
  const code = await new Promise((resolve) => child.on('close', resolve))
  assert.equal(code, 0, err)
  const results = out
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { name: string; ok: boolean; error?: string })
  assert.ok(results.length >= 30, `only ${results.length} cases ran:\n${err}`)
  for (const result of results) {
    await t.test(result.name, () => assert.ok(result.ok, result.error))
  }
})
