/**
 * The answers withSession gives on its own (onInvalid's Response, a store failure's 503 or
 * onStoreError's choice) travel on the error getSession throws, so an adapter whose framework
 * catches the error first can still send them.
 */
import assert from 'node:assert/strict'
import {
  type CodecBackend,
  cookie,
  DecodeError,
  getSession,
  SessionError,
  type SessionOptions,
  signedCodec,
  withSession,
} from '../../src/index.ts'
import { request, SECRET } from '../fixtures/suite.ts'
import { suite } from '../harness.ts'

const test = suite('withSession answers')

const signed = signedCodec({ secrets: SECRET })

/** signedCodec, except that the token `down` fails as a store that is down would. */
const flaky: CodecBackend = {
  encode: (data) => signed.encode(data),
  decode(token) {
    if (token === 'down') throw new SessionError('ERR_SESSION_STORE', 'store unavailable')
    return signed.decode(token)
  },
}

/** A handler that catches what getSession throws and hands it to `seen`, answering 200. */
function catching(options: SessionOptions, seen: unknown[], codec: CodecBackend = flaky) {
  return withSession(
    async (req: Request) => {
      try {
        await getSession(req)
        return new Response('loaded')
      } catch (error) {
        seen.push(error)
        return new Response('caught')
      }
    },
    { codec, ...cookie() },
    options,
  )
}

function unauthorized(): Response {
  return new Response('invalid session', {
    status: 401,
    headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
  })
}

test("a rejected token's DecodeError carries the Response onInvalid chose", async () => {
  const seen: unknown[] = []
  const handler = catching({ onInvalid: () => unauthorized() }, seen)
  const caught = await handler(request('session=forged'))
  assert.equal(await caught.text(), 'caught', 'a handler that catches it answers as it likes')
  const [error] = seen
  assert.ok(error instanceof DecodeError)
  assert.equal(error.reason, 'malformed')
  assert.ok(error.response instanceof Response)
  assert.equal(error.response.status, 401)
  assert.equal(error.response.headers.get('www-authenticate'), 'Bearer error="invalid_token"')
  assert.equal(await error.response.text(), 'invalid session')
})

test('a store failure thrown by getSession carries the 503 with Retry-After', async () => {
  const seen: unknown[] = []
  await catching({}, seen)(request('session=down'))
  const [error] = seen
  assert.ok(error instanceof SessionError)
  assert.equal(error.code, 'ERR_SESSION_STORE')
  assert.equal(error.response?.status, 503)
  assert.equal(error.response.headers.get('retry-after'), '1')
  assert.equal(error.response.headers.get('cache-control'), 'no-store')
})

test('onStoreError is asked once, when the store fails; its Response travels on the error', async () => {
  const asked: SessionError[] = []
  const choice = new Response('maintenance', { status: 503, headers: { 'retry-after': '30' } })
  const options = {
    onStoreError: (error: SessionError) => {
      asked.push(error)
      return choice
    },
  }
  const seen: unknown[] = []
  await catching(options, seen)(request('session=down'))
  assert.equal((seen[0] as SessionError).response, choice)
  const propagating = withSession(
    async (req: Request) => new Response(String(await getSession(req))),
    { codec: flaky, ...cookie() },
    options,
  )
  const answered = await propagating(request('session=down'))
  assert.equal(answered.status, 503)
  assert.equal(answered.headers.get('retry-after'), '30')
  assert.equal(asked.length, 2, 'once per request')
})

test('with onStoreError returning nothing, the error carries no answer and is asked once', async () => {
  let asked = 0
  const onStoreError = () => void asked++
  const seen: unknown[] = []
  await catching({ onStoreError }, seen)(request('session=down'))
  assert.equal((seen[0] as SessionError).response, undefined)
  const propagating = withSession(
    async (req: Request) => new Response(String(await getSession(req))),
    { codec: flaky, ...cookie() },
    { onStoreError },
  )
  await assert.rejects(propagating(request('session=down')), /store unavailable/)
  assert.equal(asked, 2, 'once per request, not again when the error leaves the handler')
})

test('no answer on the error when onInvalid returns nothing: the session is empty', async () => {
  const seen: unknown[] = []
  const handler = catching({ onInvalid: () => undefined }, seen)
  assert.equal(await (await handler(request('session=forged'))).text(), 'loaded')
  assert.deepEqual(seen, [])
})

test('a codec throwing one DecodeError object for every bad token: each request its own answer', async () => {
  // A custom codec may keep one error for all refusals; the answers must not cross requests.
  const refused = new DecodeError('signature')
  const codec: CodecBackend = {
    encode: (data) => signed.encode(data),
    async decode() {
      await Promise.resolve()
      throw refused
    },
  }
  const handler = withSession(
    async (req: Request) => new Response(String(await getSession(req))),
    { codec, ...cookie() },
    {
      onInvalid: (_error, req) =>
        new Response(`refused ${req.headers.get('x-user')}`, { status: 401 }),
    },
  )
  const users = ['ada', 'bob', 'eve', 'kim', 'lin', 'max']
  const answers = await Promise.all(
    users.map((user) => handler(request('session=x', { headers: { 'x-user': user } }))),
  )
  assert.deepEqual(
    await Promise.all(answers.map((answer) => answer.text())),
    users.map((user) => `refused ${user}`),
  )
})

test('a handler may answer with the Response its session error carries', async () => {
  const handler = withSession(
    async (req: Request) => {
      try {
        await getSession(req)
        return new Response('loaded')
      } catch (error) {
        if (error instanceof SessionError && error.response) return error.response
        throw error
      }
    },
    { codec: flaky, ...cookie() },
    { onInvalid: () => unauthorized() },
  )
  const refused = await handler(request('session=forged'))
  assert.equal(refused.status, 401)
  assert.deepEqual(refused.headers.getSetCookie(), [], 'the rejected token is not cleared')
  assert.equal((await handler(request('session=down'))).status, 503)
})

test('a SessionError thrown out of the handler with a Response is answered with it', async () => {
  const handler = withSession(
    async (): Promise<Response> => {
      throw new SessionError('ERR_SESSION_STORE', 'the index is down', {
        response: new Response('later', { status: 503, headers: { 'retry-after': '5' } }),
      })
    },
    { codec: flaky, ...cookie() },
  )
  const answered = await handler(request())
  assert.equal(answered.status, 503)
  assert.equal(answered.headers.get('retry-after'), '5')
  assert.equal(await answered.text(), 'later')
})

test('errors that withSession does not answer carry no Response', () => {
  assert.equal(new SessionError('ERR_SESSION_CONFIG', 'bad').response, undefined)
  assert.equal(new DecodeError('expired').response, undefined)
})
