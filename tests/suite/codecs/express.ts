/** expressSessionCodec: cookies cookie-signature signed and a connect-redis record, on every runtime. */
import assert from 'node:assert/strict'
import { type DecodeError, expressSessionCodec, SessionError } from '../../../src/index.ts'
import { suite } from '../../harness.ts'
import vectors from '../../vectors/express.json' with { type: 'json' }

const test = suite('expressSessionCodec')

/** Enough of Redis for the codec: GET, SET … EX, DEL, with the last TTL kept. */
function fakeRedis() {
  const values = new Map<string, string>()
  const ttls = new Map<string, number>()
  return {
    values,
    ttls,
    async sendCommand([command, key, value, , ttl]: string[]): Promise<unknown> {
      if (command === 'GET') return values.get(key!) ?? null
      if (command === 'SET') {
        values.set(key!, value!)
        ttls.set(key!, Number(ttl))
        return 'OK'
      }
      if (command === 'DEL') return Number(values.delete(key!))
      throw new Error(`unexpected ${command}`)
    },
  }
}

test('reads the session behind every connect.sid that cookie-signature signed', async () => {
  for (const { secret, id, value } of vectors.cookies) {
    const client = fakeRedis()
    client.values.set(`sess:${id}`, vectors.record)
    const codec = expressSessionCodec({
      secret,
      client,
      now: () => Date.parse(vectors.expires) - 1000,
    })
    const session = await codec.decodeSession(value)
    assert.deepEqual(session.data, { user: 'ana' })
    assert.equal(session.id, id)
    assert.equal(session.maxAge, 3600)
  }
})

test('writes connect.sid byte for byte as express-session does', async () => {
  for (const { secret, id, value } of vectors.cookies) {
    const codec = expressSessionCodec({ secret, client: fakeRedis() })
    assert.equal((await codec.encodeSession({ user: 'ana' }, { id })).token, value)
  }
})

test('writes back the record as connect-redis stores it: the cookie object kept, touched, and its TTL', async () => {
  const { secret, id, value } = vectors.cookies[0]!
  const client = fakeRedis()
  client.values.set(`sess:${id}`, vectors.record.replace('"ana"', '"old"'))
  const touched = Date.parse(vectors.expires) - 3_600_000
  const codec = expressSessionCodec({ secret, client, now: () => touched - 60_000 })
  const previous = await codec.decodeSession(value)
  const later = expressSessionCodec({ secret, client, now: () => touched })
  await later.encodeSession({ user: 'ana' }, { previous })
  assert.equal(client.values.get(`sess:${id}`), vectors.record)
  assert.equal(client.ttls.get(`sess:${id}`), 3600)
})

test('an unknown id, an expired record, a bad signature and garbage are turned down', async () => {
  const { secret, id, value } = vectors.cookies[0]!
  const client = fakeRedis()
  const codec = expressSessionCodec({ secret, client, now: () => Date.parse(vectors.expires) })
  const reason = (token: string) =>
    codec.decode(token).then(
      () => 'ok',
      (e: DecodeError) => e.reason,
    )
  assert.equal(await reason(value), 'unknown')
  client.values.set(`sess:${id}`, vectors.record)
  assert.equal(await reason(value), 'expired')
  assert.equal(await reason(value.replace(/.%2F|..$/, 'AA')), 'signature')
  assert.equal(await reason(`s%3A${id}`), 'malformed')
  assert.equal(await reason('%E0%A4%A'), 'malformed')
  assert.equal(await reason(id), 'malformed')
})

test('destroy deletes the record; an older secret reads and asks for re-issue', async () => {
  const [first, , , other] = vectors.cookies
  const client = fakeRedis()
  client.values.set(`sess:${first!.id}`, vectors.record)
  const codec = expressSessionCodec({
    secret: [other!.secret, first!.secret],
    client,
    now: () => 0,
  })
  assert.equal((await codec.decodeSession(first!.value)).renew, true)
  await codec.destroy!(first!.value)
  assert.equal(client.values.size, 0)
})

test('options are checked at construction; "cookie" in the data is refused on write', async () => {
  const client = fakeRedis()
  assert.throws(
    () => expressSessionCodec({ secret: '', client }),
    (e: unknown) => e instanceof SessionError && e.message.includes('secret'),
  )
  assert.throws(() => expressSessionCodec({ secret: 's', client: {} as typeof client }), /client/)
  assert.throws(() => expressSessionCodec({ secret: 's', client, ttl: 0 }), /ttl/)
  await assert.rejects(
    expressSessionCodec({ secret: 's', client }).encode({ cookie: 1 }),
    SessionError,
  )
})
