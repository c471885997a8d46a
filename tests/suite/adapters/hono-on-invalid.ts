/** The Hono adapter answers with the Response an `onInvalid` returns, as withSession does. */
import assert from 'node:assert/strict'
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { getSession, type SessionVariables, session } from '../../../adapters/hono.ts'
import type { DecodeError, SessionOptions } from '../../../src/index.ts'
import { nextCookie, OTHER_SECRET, signedBackends } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('hono onInvalid')

/** What an API answers for a bad token, as the README shows. */
function unauthorized(): Response {
  return new Response('invalid session', {
    status: 401,
    headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
  })
}

export function invalidApp(options: SessionOptions = { onInvalid: () => unauthorized() }) {
  const app = new Hono<{ Variables: SessionVariables<{ user?: string }> }>()
  app.use(session(signedBackends(), options))
  app.get('/me', async (c) => c.text(`user ${(await c.var.session()).get('user') ?? 'guest'}`))
  app.get('/get', async (c) => c.text(`user ${(await getSession(c)).get('user') ?? 'guest'}`))
  app.get('/login', async (c) => {
    ;(await c.var.session()).set('user', 'ada')
    return c.text('in')
  })
  app.get('/plain', (c) => c.text('no session here'))
  return app
}

/** A cookie signed with another secret: a token this app did not issue. */
export async function foreignCookie(): Promise<string> {
  const other = new Hono()
  other.use(session(signedBackends({ secrets: OTHER_SECRET })))
  other.get('/', async (c) => {
    ;(await getSession(c)).set('user', 'mallory')
    return c.text('ok')
  })
  return nextCookie(await other.request('/'))
}

/** Runs `body` with console.error replaced; returns what was logged. */
export async function quietly(body: () => Promise<void>): Promise<unknown[][]> {
  const logged: unknown[][] = []
  const original = console.error
  console.error = (...args: unknown[]) => {
    logged.push(args)
  }
  try {
    await body()
  } finally {
    console.error = original
  }
  return logged
}

test('an onInvalid Response is the answer, with its status and headers, and nothing is logged', async () => {
  const app = invalidApp()
  const jar = await foreignCookie()
  const logged = await quietly(async () => {
    for (const path of ['/me', '/get']) {
      const response = await app.request(path, { headers: { cookie: jar } })
      assert.equal(response.status, 401, path)
      assert.equal(response.headers.get('www-authenticate'), 'Bearer error="invalid_token"')
      assert.equal(await response.text(), 'invalid session')
      assert.deepEqual(response.headers.getSetCookie(), [], 'nothing committed')
    }
  })
  assert.deepEqual(logged, [])
})

test('with onInvalid returning a Response, valid tokens, no token and session-less routes are untouched', async () => {
  const app = invalidApp()
  const jar = nextCookie(await app.request('/login'))
  assert.equal(await (await app.request('/me', { headers: { cookie: jar } })).text(), 'user ada')
  assert.equal(await (await app.request('/me')).text(), 'user guest')
  const plain = await app.request('/plain', { headers: { cookie: await foreignCookie() } })
  assert.equal(plain.status, 200)
  assert.equal(await plain.text(), 'no session here')
})

test('an onInvalid that returns nothing gives an empty session; the reason is heard', async () => {
  const reasons: string[] = []
  const app = invalidApp({ onInvalid: (error: DecodeError) => void reasons.push(error.reason) })
  const response = await app.request('/me', { headers: { cookie: await foreignCookie() } })
  assert.equal(response.status, 200)
  assert.equal(await response.text(), 'user guest')
  assert.deepEqual(reasons, ['signature'])
})

test('a custom app.onError gets an HTTPException that carries the onInvalid Response', async () => {
  const app = invalidApp()
  const seen: unknown[] = []
  app.onError((error, c) => {
    seen.push(error)
    return error instanceof HTTPException ? error.getResponse() : c.text('oops', 500)
  })
  const response = await app.request('/me', { headers: { cookie: await foreignCookie() } })
  assert.equal(response.status, 401)
  assert.equal(response.headers.get('www-authenticate'), 'Bearer error="invalid_token"')
  assert.equal(seen.length, 1)
  assert.equal(((seen[0] as HTTPException).cause as DecodeError).reason, 'signature')
})
