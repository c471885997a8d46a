import assert from 'node:assert/strict'
import { SignJWT } from 'jose'
import type { CodecBackend, DecodeError } from '../../src/index.ts'
import { cookie, jwtCodec, SessionError, signedCodec, starletteCodec } from '../../src/index.ts'
import { clock, counter, nextCookie, request, SECRET } from '../fixtures/suite.ts'
import { suite } from '../harness.ts'

const test = suite('revocation')

test('validAfter turns down sessions that started before a user logged out everywhere', async () => {
  const time = clock()
  const loggedOutAt = new Map<string, number>()
  const backends = { codec: signedCodec({ secrets: SECRET, now: time.now }), ...cookie() }
  const { handler, invalid } = counter(backends, {
    validAfter: (data) => loggedOutAt.get(String(data.user ?? '')),
  })
  const { codec } = backends
  const cookieFor = async (data: Record<string, unknown>) => `session=${await codec.encode(data)}`
  const read = (jar: string) =>
    handler(request(jar, {}, 'http://localhost/read')).then((r) => r.text())

  const laptop = await cookieFor({ user: 'ada', count: 5 })
  time.advance(60)
  const phone = await cookieFor({ user: 'ada', count: 7 })
  const other = await cookieFor({ user: 'bob', count: 9 })
  assert.equal(await read(laptop), '5')

  loggedOutAt.set('ada', time.now())
  assert.equal(await read(laptop), '0')
  assert.equal(await read(phone), '7', 'a session started in the cut-off second stays valid')
  assert.equal(await read(other), '9')
  time.advance(1)
  const fresh = await cookieFor({ user: 'ada', count: 1 })
  assert.equal(await read(fresh), '1')
  assert.deepEqual(
    invalid.map((e) => e.reason),
    ['revoked'],
  )
})

test('validAfter with a codec that cannot tell when a session started is refused at construction', async () => {
  const plain: CodecBackend = { encode: () => 'x', decode: () => ({ user: 'ada', count: 3 }) }
  const isConfig = (error: unknown) =>
    error instanceof SessionError && error.code === 'ERR_SESSION_CONFIG'
  for (const codec of [plain, starletteCodec({ secretKey: 'a starlette secret' })]) {
    assert.throws(() => counter({ codec, ...cookie() }, { validAfter: () => 0 }), isConfig)
    // Backends built per request are checked when they are built.
    const { handler } = counter(() => ({ codec, ...cookie() }), { validAfter: () => 0 })
    await assert.rejects(handler(request('session=x')), isConfig)
  }
  const open = counter({ codec: plain, ...cookie() })
  assert.equal(
    await (await open.handler(request('session=x', {}, 'http://localhost/read'))).text(),
    '3',
  )
})

test('a JWT without iat is revoked whenever validAfter returns a time; with iat it is judged by it', async () => {
  const time = clock()
  const codec = jwtCodec({ key: SECRET, algorithms: ['HS256'], now: time.now })
  const key = new TextEncoder().encode(SECRET)
  const sign = (claims: object) =>
    new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(key)
  const cutOff = { value: undefined as number | undefined }
  const { handler, invalid } = counter({ codec, ...cookie() }, { validAfter: () => cutOff.value })
  const read = async (token: string) =>
    (await handler(request(`session=${token}`, {}, 'http://localhost/read'))).text()
  const timeless = await sign({ count: 4 })
  const stamped = await sign({ count: 6, iat: time.now() / 1000 })
  assert.deepEqual([await read(timeless), await read(stamped)], ['4', '6'])
  cutOff.value = 0
  assert.deepEqual([await read(timeless), await read(stamped)], ['0', '6'])
  cutOff.value = time.now() + 1000
  assert.equal(await read(stamped), '0')
  assert.deepEqual(
    invalid.map((e) => e.reason),
    ['revoked', 'revoked'],
  )
})

test('a JWT start is never later than the real one: a shortened maxAge cannot outrun validAfter', async () => {
  const time = clock()
  const long = jwtCodec({ key: SECRET, algorithms: ['HS256'], maxAge: 3600, now: time.now })
  const token = await long.encode({ count: 2 })
  time.advance(600)
  const short = jwtCodec({ key: SECRET, algorithms: ['HS256'], maxAge: 900, now: time.now })
  assert.equal((await short.decodeSession(token)).started, time.now() / 1000 - 600)
  time.advance(300)
  await assert.rejects(
    async () => short.decode(token),
    (e: unknown) => (e as DecodeError).reason === 'expired',
  )
})

test('a failing validAfter lookup fails the request', async () => {
  const { handler } = counter(undefined, {
    validAfter: () => {
      throw new Error('user database is down')
    },
  })
  const jar = nextCookie(await counter().handler(request()))
  await assert.rejects(handler(request(jar)), /user database is down/)
})
