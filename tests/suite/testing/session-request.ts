/** sessionRequest builds a request that presents a session, with any transport pair. */
import assert from 'node:assert/strict'
import {
  bearerAuthorization,
  cookie,
  cookieAuthorization,
  getSession,
  headerAuthorization,
  headerStorage,
  jwtCodec,
  memoryStore,
  type SessionBackends,
  SessionError,
  signedCodec,
  storeCodec,
  withSession,
} from '../../../src/index.ts'
import { sessionRequest } from '../../../src/testing.ts'
import { SECRET } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('testing/sessionRequest')

const whoami = (backends: SessionBackends) =>
  withSession(async (request: Request) => {
    const session = await getSession<{ user?: string }>(request)
    return new Response(`${session.isNew ? 'new' : 'old'} ${session.get('user') ?? 'guest'}`)
  }, backends)

test('a cookie session reaches the handler, with the caller’s own headers kept', async () => {
  const backends = { codec: signedCodec({ secrets: SECRET }), ...cookie({ name: '__Host-s' }) }
  const request = await sessionRequest('http://localhost/me', { user: 'ada' }, backends, {
    method: 'POST',
    headers: { cookie: 'theme=dark', 'x-trace': '1' },
  })
  assert.equal(request.method, 'POST')
  assert.equal(request.headers.get('x-trace'), '1')
  assert.match(request.headers.get('cookie')!, /^theme=dark; __Host-s=/)
  assert.equal(await (await whoami(backends)(request)).text(), 'old ada')
})

test('a bearer token, a header of its own and a store session all reach the handler', async () => {
  const sets: SessionBackends[] = [
    {
      codec: jwtCodec({ key: SECRET, algorithms: ['HS256'] }),
      storage: headerStorage(),
      authorization: bearerAuthorization(),
    },
    {
      codec: signedCodec({ secrets: SECRET }),
      storage: headerStorage(),
      authorization: headerAuthorization(),
    },
    { codec: storeCodec({ store: memoryStore() }), ...cookie() },
  ]
  for (const backends of sets) {
    const request = await sessionRequest('http://localhost/', { user: 'grace' }, backends)
    assert.equal(await (await whoami(backends)(request)).text(), 'old grace')
  }
})

test('a storage and an authorization that cannot meet are refused, naming the fix', async () => {
  const backends = {
    codec: signedCodec({ secrets: SECRET }),
    storage: headerStorage(),
    authorization: cookieAuthorization(),
  }
  await assert.rejects(
    sessionRequest('http://localhost/', { user: 'ada' }, backends),
    (error: unknown) =>
      error instanceof SessionError &&
      error.code === 'ERR_SESSION_CONFIG' &&
      /^sessionRequest: .*build this request by hand$/.test(error.message),
  )
})
