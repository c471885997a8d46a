/** Starts `npm run example:flask-migration` and walks one login across Flask and fetch-session. */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { after, before, test } from 'node:test'
import { freePort, Jar } from '../fixtures/interop-http.ts'
import { pythonMissing } from '../fixtures/python-service.ts'

const missing = pythonMissing('flask')
const child = missing
  ? undefined
  : spawn(process.execPath, ['--import', 'tsx', 'examples/flask-migration/serve.ts'], {
      env: { ...process.env, PORT: String(await freePort()), FLASK_SECRET_KEY: 'example key' },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
let origin = ''

before(async () => {
  if (child === undefined) return
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string]
  origin = line.split(' ')[0]!
})
after(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM')
    await once(child, 'exit')
  }
})

test('the Flask migration example shares one login both ways', { skip: missing }, async () => {
  const jar = new Jar('session')
  assert.deepEqual(await jar.call(`${origin}/login/ana`, {}), { user: 'ana' })
  assert.deepEqual(await jar.call(`${origin}/v2/visits`), {
    user: 'ana',
    visits: 1,
    by: 'fetch-session',
  })
  assert.deepEqual(await jar.call(`${origin}/visits`), { user: 'ana', visits: 2, by: 'flask' })
  assert.deepEqual(await jar.call(`${origin}/v2/logout`, {}), { user: null })
  assert.equal(jar.value, undefined)
  assert.deepEqual(await jar.call(`${origin}/visits`), { user: null, visits: 1, by: 'flask' })
})
