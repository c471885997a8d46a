/** Bearer attacks: malformed credentials, scheme confusion, and a token in two transports at once. */
import assert from 'node:assert/strict'
import type { AuthorizationBackend, CodecBackend } from '../../../src/index.ts'
import {
  bearerAuthorization,
  cookieAuthorization,
  getSession,
  headerStorage,
  signedCodec,
  withSession,
} from '../../../src/index.ts'
import { K1, K3, seen, T0 } from '../../fixtures/adversarial/kits.ts'
import { suite } from '../../harness.ts'

const test = suite('adversarial/bearer')

function api(codec: CodecBackend, authorization: AuthorizationBackend | AuthorizationBackend[]) {
  let runs = 0
  const handler = withSession(
    async (request: Request) => {
      const session = await getSession(request)
      runs++
      return new Response(JSON.stringify(session.toJSON()))
    },
    { codec, storage: headerStorage(), authorization },
    {
      onInvalid: (error) => {
        seen.errors.push(error)
        const code = error.reason === 'malformed' ? 'invalid_request' : 'invalid_token'
        return new Response(null, {
          status: 401,
          headers: { 'www-authenticate': `Bearer error="${code}"` },
        })
      },
    },
  )
  return {
    runs: () => runs,
    async call(headers: Record<string, string>) {
      const response = await handler(new Request('http://localhost/api', { headers }))
      return { response, body: response.status === 200 ? JSON.parse(await response.text()) : null }
    },
  }
}

test('strict Bearer: malformed credentials and bad tokens are a 401 with a challenge, unhandled', async () => {
  const codec = signedCodec({ secrets: K1, now: () => T0 })
  const valid = await codec.encode({ user: 'ada' })
  const foreign = await signedCodec({ secrets: K3, now: () => T0 }).encode({ user: 'eve' })
  const { call, runs } = api(codec, bearerAuthorization({ strict: true }))
  const cases: [string | undefined, 'invalid_request' | 'invalid_token' | 'anonymous' | 'ada'][] = [
    ['Bearer', 'invalid_request'],
    ['Bearer ', 'invalid_request'],
    [`Bearer ${valid} extra`, 'invalid_request'],
    [`Bearer ${valid} ${valid}`, 'invalid_request'],
    [`Bearer ${valid},${valid}`, 'invalid_request'],
    [`Bearer "${valid}"`, 'invalid_request'],
    [`Bearer\t${valid}`, 'invalid_request'],
    ['Bearer =abc', 'invalid_request'],
    [`Bearer ${valid}\\`, 'invalid_request'],
    ['Bearer forged.token', 'invalid_request'],
    [`Bearer ${foreign}`, 'invalid_token'],
    [`Bearer ${'a'.repeat(100_000)}`, 'invalid_request'],
    ['', 'anonymous'],
    ['Basic dXNlcjpwYXNzd29yZA==', 'anonymous'],
    [`Bearerish ${valid}`, 'anonymous'],
    [`Token ${valid}`, 'anonymous'],
    [undefined, 'anonymous'],
    [`Bearer ${valid}`, 'ada'],
    [`bEARER    ${valid}`, 'ada'],
  ]
  for (const [header, expected] of cases) {
    const before = runs()
    const { response, body } = await call(header === undefined ? {} : { authorization: header })
    const what = `${String(header).slice(0, 40)} → ${expected}`
    if (expected === 'invalid_request' || expected === 'invalid_token') {
      assert.equal(response.status, 401, what)
      assert.equal(response.headers.get('www-authenticate'), `Bearer error="${expected}"`, what)
      assert.equal(runs(), before, `${what}: the handler never got a session`)
      assert.equal(response.headers.get('x-session-token'), null, what)
    } else {
      assert.equal(response.status, 200, what)
      assert.equal(body.user, expected === 'ada' ? 'ada' : undefined, what)
    }
  }
})

test('a token in both Authorization and a cookie: a bad one in the first never falls back', async () => {
  const codec = signedCodec({ secrets: K1, now: () => T0 })
  const a = await codec.encode({ user: 'ada' })
  const b = await codec.encode({ user: 'bob' })
  const user = async (auth: AuthorizationBackend[], headers: Record<string, string>) => {
    const handler = withSession(
      async (request: Request) => new Response(String((await getSession(request)).get('user'))),
      { codec, storage: headerStorage(), authorization: auth },
    )
    return (await handler(new Request('http://localhost/', { headers }))).text()
  }
  const bearer = bearerAuthorization()
  const strict = bearerAuthorization({ strict: true })
  const jar = cookieAuthorization()
  assert.equal(
    await user([bearer, jar], { authorization: `Bearer ${a}`, cookie: `session=${b}` }),
    'ada',
  )
  assert.equal(
    await user([jar, bearer], { authorization: `Bearer ${a}`, cookie: `session=${b}` }),
    'bob',
  )
  assert.equal(
    await user([bearer, jar], { authorization: 'Bearer forged', cookie: `session=${b}` }),
    'undefined',
  )
  assert.equal(
    await user([jar, bearer], { authorization: `Bearer ${a}`, cookie: 'session=forged' }),
    'undefined',
  )
  assert.equal(
    await user([strict, jar], { authorization: 'Bearer a b', cookie: `session=${b}` }),
    'undefined',
  )
  // A header that is not Bearer at all presents nothing, so the cookie is read.
  assert.equal(
    await user([strict, jar], { authorization: 'Basic eA==', cookie: `session=${b}` }),
    'bob',
  )
})
