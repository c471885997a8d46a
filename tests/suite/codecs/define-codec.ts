/**
 * defineCodec: a custom codec gets the kernel's token cache, lifetimes, renewal, key rotation and
 * `validAfter` without writing any of them.
 */
import assert from 'node:assert/strict'
import {
  type CodecFormat,
  cookie,
  DecodeError,
  defineCodec,
  getSession,
  withSession,
} from '../../../src/index.ts'
import { clock, nextCookie, request } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('defineCodec')

/** A 10-line custom format: `[started, issued, data]` in base64, tagged by HMAC-SHA256 keys. */
function hmacFormat(secrets: string[], opened: string[] = []): CodecFormat<string> {
  const keys = secrets.map((s) =>
    crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(s),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    ),
  )
  const mac = async (key: number, text: string) =>
    btoa(
      String.fromCharCode(
        ...new Uint8Array(
          await crypto.subtle.sign('HMAC', await keys[key]!, new TextEncoder().encode(text)),
        ),
      ),
    )
  return {
    name: 'hmacFormat',
    reportsStart: true,
    async open(token) {
      opened.push(token)
      const [text = '', tag] = token.split('~')
      for (let key = 0; key < keys.length; key++)
        if ((await mac(key, text)) === tag) return { payload: atob(text), key }
      throw new DecodeError('signature')
    },
    read: (json) => {
      const [started, issued, data] = JSON.parse(json)
      return { data, times: { started, issued } }
    },
    seal: async (_data, { started, now, json }) => {
      const text = btoa(`[${started},${now},${json}]`)
      return { token: `${text}~${await mac(0, text)}`, payload: atob(text) }
    },
  }
}

test('a custom format gets the token cache: a token seen before is not opened again', async () => {
  const opened: string[] = []
  const codec = defineCodec(hmacFormat(['new key'], opened))
  const token = await codec.encode({ user: 'ada' })
  assert.deepEqual(await codec.decode(token), { user: 'ada' })
  const fresh = defineCodec(hmacFormat(['new key'], opened))
  assert.deepEqual(await fresh.decode(token), { user: 'ada' })
  assert.deepEqual(await fresh.decode(token), { user: 'ada' })
  assert.equal(
    opened.length,
    1,
    'the encoding codec cached its own token; the other opened it once',
  )
})

test('a custom format gets maxAge, idleTimeout, renewal and the clock tolerance', async () => {
  const time = clock()
  const codec = defineCodec(hmacFormat(['k']), { maxAge: 3600, idleTimeout: 600, now: time.now })
  const first = await codec.encodeSession({ n: 1 }, {})
  assert.equal(first.maxAge, 600)
  time.advance(299)
  assert.equal((await codec.decodeSession(first.token)).renew, false)
  time.advance(1)
  const previous = await codec.decodeSession(first.token)
  assert.equal(previous.renew, true, 'due from half the idle window')
  const second = await codec.encodeSession(previous.data, { previous })
  assert.equal(second.started, first.started)
  time.advance(600)
  await assert.rejects(codec.decode(second.token), (e: DecodeError) => e.reason === 'idle')
  const ahead = await defineCodec(hmacFormat(['k']), { now: () => time.now() + 6000 }).encode({})
  await assert.rejects(codec.decode(ahead), (e: DecodeError) => e.reason === 'future')
})

test('a custom format gets rotation: a token under an older key is renewed under the newest', async () => {
  const old = await defineCodec(hmacFormat(['old key'])).encode({ user: 'ada' })
  const rotated = defineCodec(hmacFormat(['new key', 'old key']))
  const previous = await rotated.decodeSession(old)
  assert.equal(previous.renew, true)
  const token = (await rotated.encodeSession(previous.data, { previous })).token
  assert.deepEqual(await defineCodec(hmacFormat(['new key'])).decode(token), { user: 'ada' })
})

test('a custom format works with validAfter, which needs the session start', async () => {
  const time = clock()
  const codec = defineCodec(hmacFormat(['k']), { now: time.now })
  let after = 0
  const handler = withSession(
    async (req: Request) => {
      const session = await getSession(req)
      if (!session.has('user')) session.set('user', 'ada')
      return new Response(session.isNew ? 'new' : 'known')
    },
    { codec, ...cookie({ name: 'session' }) },
    { validAfter: () => after },
  )
  const first = await handler(request())
  time.advance(10)
  assert.equal(await (await handler(request(nextCookie(first)))).text(), 'known')
  after = time.now()
  assert.equal(await (await handler(request(nextCookie(first)))).text(), 'new')
})
