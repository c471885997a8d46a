/** Every way out of withSession, with one mutable Response shared by two users at once. */
import assert from 'node:assert/strict'
import {
  type CodecBackend,
  cookie,
  DecodeError,
  getSession,
  SessionError,
  signedCodec,
  withSession,
} from '../../../src/index.ts'
import { request, SECRET } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('commit exits')

const signed = signedCodec({ secrets: SECRET })

/** signedCodec, except that the token `down` fails as a store that is down would. */
const flaky: CodecBackend = {
  encode: (data) => signed.encode(data),
  decode(token) {
    if (token === 'down') throw new SessionError('ERR_SESSION_STORE', 'store unavailable')
    return signed.decode(token)
  },
}

/** The user names in a response's session cookies. */
async function usersIn(response: Response): Promise<string[]> {
  const users: string[] = []
  for (const line of response.headers.getSetCookie()) {
    const value = line.slice(line.indexOf('=') + 1, line.indexOf(';'))
    if (value === '') continue
    users.push(String((await signed.decode(value)).user))
  }
  return users
}

/**
 * Alice logs in (her cookie is written onto `shared` in place) while Bob's request, sent at the
 * same moment, leaves through `exit`. Bob must never receive Alice's Set-Cookie.
 */
async function race(
  bob: { cookie: string; options?: Parameters<typeof withSession>[2] },
  answer: (req: Request, shared: Response) => Promise<Response>,
): Promise<{ alice: Response; bob: Response; shared: Response }> {
  const shared = new Response(null, { status: 303, headers: { location: '/' } })
  const handler = withSession(
    async (req: Request) => {
      if (req.headers.get('x-user') === 'alice') {
        ;(await getSession(req)).set('user', 'alice')
        return shared
      }
      return answer(req, shared)
    },
    { codec: flaky, ...cookie({ name: '__Host-session' }) },
    bob.options,
  )
  const [alice, bobs] = await Promise.all([
    handler(request('', { headers: { 'x-user': 'alice' } })),
    handler(request(`__Host-session=${bob.cookie}`)),
  ])
  // Bob again after Alice's commit is certainly on the shared object.
  const later = await handler(request(`__Host-session=${bob.cookie}`))
  assert.deepEqual(await usersIn(later), [], 'a later request carries no cookie of Alice')
  return { alice, bob: bobs, shared }
}

/** The handler catches getSession's error and answers with the shared response anyway. */
async function swallowing(req: Request, shared: Response): Promise<Response> {
  try {
    await getSession(req)
  } catch {
    // The README's API pattern: the handler goes on without a session.
  }
  return shared
}

test('load failed (onInvalid answered, handler caught it): no other user cookie', async () => {
  const { alice, bob } = await race(
    { cookie: 'x', options: { onInvalid: () => new Response(null, { status: 401 }) } },
    swallowing,
  )
  assert.deepEqual(await usersIn(alice), ['alice'])
  assert.deepEqual(await usersIn(bob), [])
  assert.equal(bob.status, 303)
})

test('load failed (store down, handler swallowed ERR_SESSION_STORE): no other user cookie', async () => {
  const { alice, bob } = await race({ cookie: 'down' }, swallowing)
  assert.deepEqual(await usersIn(alice), ['alice'])
  assert.deepEqual(await usersIn(bob), [])
  assert.equal(bob.headers.get('location'), '/')
})

test("onInvalid's own Response, also returned by a login route, never carries its cookie", async () => {
  let shared: Response | undefined
  const { alice, bob } = await race(
    { cookie: 'x', options: { onInvalid: () => shared } },
    async (req, response) => {
      shared = response
      await getSession(req)
      return new Response('unreachable')
    },
  )
  assert.deepEqual(await usersIn(alice), ['alice'])
  assert.equal(bob.status, 303)
  assert.deepEqual(await usersIn(bob), [])
})

test('a store failure answered by onStoreError with the shared Response carries no cookie', async () => {
  let shared: Response | undefined
  const { alice, bob } = await race(
    { cookie: 'down', options: { onStoreError: () => shared } },
    async (req, response) => {
      shared = response
      await getSession(req)
      return new Response('unreachable')
    },
  )
  assert.deepEqual(await usersIn(alice), ['alice'])
  assert.deepEqual(await usersIn(bob), [])
})

test('a bad token read by a handler that answers with the shared Response: cleared, not Alice', async () => {
  const { bob } = await race({ cookie: 'x' }, async (req, shared) => {
    await getSession(req)
    return shared
  })
  const lines = bob.headers.getSetCookie()
  assert.equal(lines.length, 1)
  assert.match(lines[0]!, /^__Host-session=;/)
})

test('Response.error() leaves as it came, on every exit', async () => {
  const failed = Response.error()
  const { bob } = await race({ cookie: 'down' }, async (req) => {
    await getSession(req).catch(() => undefined)
    return failed
  })
  assert.equal(bob, failed)
  assert.equal(bob.status, 0)
})

test('a thrown handler commits nothing and rethrows', async () => {
  const handler = withSession(
    async (req: Request) => {
      ;(await getSession(req)).set('user', 'eve')
      throw new DecodeError('malformed', 'thrown by the handler itself')
    },
    { codec: signed, ...cookie() },
  )
  await assert.rejects(handler(request()), DecodeError)
})
