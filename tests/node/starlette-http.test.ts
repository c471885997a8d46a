/**
 * starletteCodec and a real Starlette app (SessionMiddleware, served by uvicorn) share one session
 * cookie with a fetch-session app over real HTTP. Needs /usr/bin/python3 with starlette,
 * itsdangerous and uvicorn; in CI their absence fails the run (tests/node/starlette-interop.test.ts).
 */
import assert from 'node:assert/strict'
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import {
  cookie,
  getSession,
  type SessionData,
  starletteCodec,
  withSession,
} from '../../src/index.ts'
import { INSTALL, skipUnless } from '../fixtures/requirements.ts'

const PYTHON = '/usr/bin/python3'
const interop = fileURLToPath(new URL('../fixtures/interop/', import.meta.url))
const probe = spawnSync(PYTHON, ['-c', 'import starlette, itsdangerous, uvicorn'], {
  encoding: 'utf8',
})
const missing = skipUnless(
  probe.status === 0,
  'Python 3 with starlette, itsdangerous and uvicorn',
  INSTALL.starlette,
)

const SECRET = 'a shared starlette secret_key'
const OLD_SECRET = 'the secret_key before rotation'
const _T = 1767225600

async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

/** The browser's part: keeps the one `session` cookie and checks every Set-Cookie for it. */
class Jar {
  value: string | undefined
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const attributes = line
        .toLowerCase()
        .split(';')
        .map((part) => part.trim())
      assert.ok(attributes[0]!.startsWith('session='), line)
      assert.ok(attributes.includes('path=/') && attributes.includes('httponly'), line)
      assert.ok(attributes.includes('samesite=lax') && !attributes.includes('secure'), line)
      const expired =
        attributes.includes('max-age=0') ||
        attributes.includes('expires=thu, 01 jan 1970 00:00:00 gmt')
      this.value = expired ? undefined : line.slice('session='.length, line.indexOf(';'))
    }
  }
  get header(): Record<string, string> {
    return this.value === undefined ? {} : { cookie: `session=${this.value}` }
  }
}

describe('a Starlette app and a fetch-session app share one session over HTTP', {
  skip: missing,
}, () => {
  let uvicorn: ChildProcess
  let python = ''
  let close: () => void
  let ours = ''

  before(async () => {
    const port = await freePort()
    python = `http://127.0.0.1:${port}`
    uvicorn = spawn(
      PYTHON,
      [
        '-m',
        'uvicorn',
        'starlette_app:app',
        '--app-dir',
        interop,
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--no-access-log',
      ],
      {
        env: {
          ...process.env,
          SESSION_SECRET_KEY: SECRET,
          PYTHONDONTWRITEBYTECODE: '1',
          SESSION_OLD_SECRET_KEY: OLD_SECRET,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    )
    let log = ''
    uvicorn.stderr!.on('data', (chunk) => {
      log += chunk
    })
    let ready = false
    for (let attempt = 0; attempt < 100 && !ready && uvicorn.exitCode === null; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      ready = await fetch(`${python}/plain/session`).then(
        (r) => r.ok,
        () => false,
      )
    }
    assert.ok(ready, `uvicorn did not answer: ${log}`)

    const handler = withSession(
      async (request: Request) => {
        const session = await getSession(request)
        const { pathname } = new URL(request.url)
        if (pathname === '/clear') session.clear()
        else if (request.method === 'POST') {
          for (const [key, value] of Object.entries((await request.json()) as SessionData)) {
            if (value === null) session.delete(key)
            else session.set(key, value)
          }
        }
        return Response.json(session.toJSON())
      },
      {
        codec: starletteCodec({ secretKey: [SECRET, OLD_SECRET] }),
        ...cookie({ name: 'session', secure: false }),
      },
    )
    const server = serve({ fetch: handler, port: 0, hostname: '127.0.0.1' })
    await once(server, 'listening')
    ours = `http://127.0.0.1:${(server.address() as { port: number }).port}`
    close = () => server.close()
  })

  after(async () => {
    close?.()
    if (uvicorn && uvicorn.exitCode === null) {
      uvicorn.kill('SIGTERM')
      await once(uvicorn, 'exit')
    }
  })

  async function call(jar: Jar, url: string, body?: object): Promise<unknown> {
    const response = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { ...jar.header, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    assert.equal(response.status, 200, url)
    jar.take(response)
    return response.json()
  }

  test('set by Starlette, read and changed here, read there, cleared here', async () => {
    const jar = new Jar()
    const data = { user: 'zoë', cart: ['東京', 1.5], visits: 1 }
    assert.deepEqual(await call(jar, `${python}/plain/session`, data), data)
    assert.deepEqual(await call(jar, `${ours}/session`), data)
    assert.deepEqual(await call(jar, `${ours}/session`, { visits: 2, emoji: '😀' }), {
      ...data,
      visits: 2,
      emoji: '😀',
    })
    assert.deepEqual(await call(jar, `${python}/plain/session`), {
      ...data,
      visits: 2,
      emoji: '😀',
    })
    assert.deepEqual(await call(jar, `${python}/plain/session`, { emoji: null }), {
      ...data,
      visits: 2,
    })
    assert.deepEqual(await call(jar, `${ours}/session`), { ...data, visits: 2 })
    assert.deepEqual(await call(jar, `${ours}/clear`, {}), {})
    assert.equal(jar.value, undefined)
    assert.deepEqual(await call(jar, `${python}/plain/session`), {})
  })

  test('set here, read and changed by Starlette, read here, cleared by Starlette', async () => {
    const jar = new Jar()
    assert.deepEqual(await call(jar, `${ours}/session`, { user: 'ana' }), { user: 'ana' })
    assert.deepEqual(await call(jar, `${python}/plain/session`, { role: 'admin' }), {
      user: 'ana',
      role: 'admin',
    })
    assert.deepEqual(await call(jar, `${ours}/session`), { user: 'ana', role: 'admin' })
    assert.deepEqual(await call(jar, `${python}/plain/clear`, {}), {})
    assert.equal(jar.value, undefined)
    assert.deepEqual(await call(jar, `${ours}/session`), {})
    // A client that ignored the expiry sends Starlette's "null" back: an empty session on both.
    jar.value = 'null'
    assert.deepEqual(await call(jar, `${ours}/session`), {})
    jar.value = 'null'
    assert.deepEqual(await call(jar, `${python}/plain/session`), {})
  })

  test('both write the same payload segment for the same data', async () => {
    const data = { user: 'ana', note: 'é ü 😀', n: [1, 0.5] }
    const theirs = new Jar()
    const mine = new Jar()
    await call(theirs, `${python}/plain/session`, data)
    await call(mine, `${ours}/session`, data)
    assert.equal(mine.value?.split('.')[0], theirs.value?.split('.')[0])
  })

  test('rotation: an old-key cookie is read here and by the rotating Starlette, re-signed here for all', async () => {
    const jar = new Jar()
    const old = starletteCodec({ secretKey: OLD_SECRET })
    jar.value = await old.encode({ user: 'ana' })
    const plain = new Jar()
    plain.value = jar.value
    assert.deepEqual(await call(plain, `${python}/plain/session`), {})
    const rotating = new Jar()
    rotating.value = jar.value
    assert.deepEqual(await call(rotating, `${python}/rotating/session`), { user: 'ana' })
    assert.deepEqual(await call(jar, `${ours}/session`, { step: 2 }), { user: 'ana', step: 2 })
    assert.deepEqual(await call(jar, `${python}/plain/session`), { user: 'ana', step: 2 })
  })
})
