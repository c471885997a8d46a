/** sessionOf reads what a response does to the session: new data, cleared, or untouched. */
import assert from 'node:assert/strict'
import {
  bearerAuthorization,
  cookie,
  DecodeError,
  getSession,
  headerStorage,
  memoryStore,
  type SessionBackends,
  signedCodec,
  storeCodec,
  withSession,
} from '../../../src/index.ts'
import { sessionOf, sessionRequest } from '../../../src/testing.ts'
import { OTHER_SECRET, SECRET } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('testing/sessionOf')

/** `/login` sets a user, `/logout` destroys the session, anything else only reads it. */
const app = (backends: SessionBackends) =>
  withSession(async (request: Request) => {
    const session = await getSession<{ user?: string }>(request)
    const path = new URL(request.url).pathname
    if (path === '/login') session.set('user', 'ada')
    if (path === '/logout') session.destroy()
    return new Response(session.get('user') ?? 'guest', {
      headers: { 'cache-control': 'no-cache' },
    })
  }, backends)

const sets: [string, SessionBackends][] = [
  ['signed cookie', { codec: signedCodec({ secrets: SECRET }), ...cookie({ name: '__Host-s' }) }],
  ['store cookie', { codec: storeCodec({ store: memoryStore() }), ...cookie() }],
  [
    'header and bearer',
    {
      codec: signedCodec({ secrets: SECRET }),
      storage: headerStorage(),
      authorization: bearerAuthorization(),
    },
  ],
]

for (const [name, backends] of sets) {
  test(`${name}: the data a response sets, null when it clears, undefined when untouched`, async () => {
    const handler = app(backends)
    const login = await handler(new Request('http://localhost/login'))
    assert.deepEqual(await sessionOf(login, backends), { user: 'ada' })
    assert.equal(
      await sessionOf(await handler(new Request('http://localhost/')), backends),
      undefined,
    )

    const signedIn = await sessionRequest('http://localhost/', { user: 'ada' }, backends)
    assert.equal(await sessionOf(await handler(signedIn), backends), undefined)
    const out = await sessionRequest('http://localhost/logout', { user: 'ada' }, backends)
    assert.equal(await sessionOf(await handler(out), backends), null)
  })
}

test('a token the backends cannot read throws the codec’s DecodeError', async () => {
  const issuer = { codec: signedCodec({ secrets: OTHER_SECRET }), ...cookie() }
  const reader = { codec: signedCodec({ secrets: SECRET }), ...cookie() }
  const response = await app(issuer)(new Request('http://localhost/login'))
  await assert.rejects(sessionOf(response, reader), DecodeError)
})
