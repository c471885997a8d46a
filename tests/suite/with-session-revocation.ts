import assert from 'node:assert/strict'
import type { CodecBackend } from '../../src/index.ts'
import { cookie, signedCodec } from '../../src/index.ts'
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
  const cookieFor = async (data: Record<string, unknown>) =>
    `session=${await codec.encode(data, {})}`
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

test('validAfter with a codec that cannot tell when a session started fails closed', async () => {
  const plain: CodecBackend = { encode: () => 'x', decode: () => ({ user: 'ada', count: 3 }) }
  const { handler, invalid } = counter({ codec: plain, ...cookie() }, { validAfter: () => 0 })
  const response = await handler(request('session=x', {}, 'http://localhost/read'))
  assert.equal(await response.text(), '0')
  assert.equal(invalid[0]?.reason, 'revoked')
  const open = counter({ codec: plain, ...cookie() }, { validAfter: () => undefined })
  assert.equal(
    await (await open.handler(request('session=x', {}, 'http://localhost/read'))).text(),
    '3',
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
