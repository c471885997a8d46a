import assert from 'node:assert/strict'
import { cookie, DecodeError, SessionError, signedCodec } from '../../../src/index.ts'
import { clock, counter, nextCookie, OTHER_SECRET, request, SECRET } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('signedCodec')

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
const text = (value: string) => b64url(new TextEncoder().encode(value))

/** Signs any payload segment with `secret`, as an attacker who knows nothing cannot. */
async function sign(payload: string, secret = SECRET): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  const tag = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(payload))
  return `${payload}.${b64url(new Uint8Array(tag))}`
}

async function reason(codec: ReturnType<typeof signedCodec>, token: string): Promise<string> {
  try {
    await codec.decode(token)
  } catch (error) {
    assert.ok(error instanceof DecodeError, `not a DecodeError: ${error}`)
    return error.reason
  }
  return 'valid'
}

test('decode(encode(data)) gives the data back, nested and non-ASCII included', async () => {
  const codec = signedCodec({ secrets: SECRET })
  const data = { user: 'Zoë 😀', cart: [{ id: 1, tags: ['a', 'b'] }], n: 1.5, ok: true, none: null }
  const token = await codec.encode(data)
  assert.match(token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/)
  assert.deepEqual(await codec.decode(token), data)
})

test('tampered, truncated, wrong-key and garbage tokens are turned down with a reason', async () => {
  const codec = signedCodec({ secrets: SECRET })
  const token = await codec.encode({ user: 'ada' })
  const [payload, tag] = token.split('.') as [string, string]
  const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1)
  const cases: [string, string][] = [
    [`${flip(payload, 5)}.${tag}`, 'signature'],
    [`${payload}.${flip(tag, 3)}`, 'signature'],
    [token.slice(0, -1), 'malformed'],
    [payload, 'malformed'],
    ['', 'malformed'],
    ['.', 'malformed'],
    [`${payload}.${tag}.${tag}`, 'malformed'],
    [`${payload}=.${tag}`, 'malformed'],
    [`${payload} .${tag}`, 'malformed'],
    [`${payload}.${tag.slice(0, -1)}B`, 'malformed'], // non-zero trailing bits: not canonical
    [await signedCodec({ secrets: OTHER_SECRET }).encode({ user: 'ada' }), 'signature'],
    ['x'.repeat(50_000), 'malformed'],
    [`${'.'.repeat(100_000)}`, 'malformed'],
  ]
  for (const [bad, expected] of cases)
    assert.equal(await reason(codec, bad), expected, bad.slice(0, 60))
})

test('a validly signed payload that is not our JSON shape is malformed, never a throw', async () => {
  const codec = signedCodec({ secrets: SECRET })
  const now = Math.floor(Date.now() / 1000)
  const payloads = [
    text('not json'),
    text('{"user":"ada"}'),
    text(`[${now},${now},[1,2]]`),
    text(`[${now},${now},null]`),
    text(`["${now}",${now},{}]`),
    text(`[${now},${now}]`),
    b64url(new Uint8Array([0xff, 0xfe, 0x00])),
  ]
  for (const payload of payloads)
    assert.equal(await reason(codec, await sign(payload)), 'malformed')
  assert.equal(await reason(codec, await sign(text(`[${now},${now},{"a":1}]`))), 'valid')
})

test('an empty session results from a bad token, and onInvalid hears why', async () => {
  const { handler, invalid } = counter()
  const response = await handler(request('session=abc.def', {}, 'http://localhost/read'))
  assert.equal(await response.text(), '0')
  assert.deepEqual(
    invalid.map((e) => e.reason),
    ['malformed'],
  )
})

test('rotation: an old secret still verifies, the new one signs, a stranger is turned down', async () => {
  const old = signedCodec({ secrets: OTHER_SECRET })
  const rotated = signedCodec({ secrets: [SECRET, OTHER_SECRET] })
  const oldToken = await old.encode({ user: 'ada' })
  assert.deepEqual(await rotated.decode(oldToken), { user: 'ada' })
  const fresh = await rotated.encode({ user: 'ada' })
  assert.deepEqual(await signedCodec({ secrets: SECRET }).decode(fresh), { user: 'ada' })
  assert.equal(await reason(old, fresh), 'signature')
  const stranger = signedCodec({ secrets: 'a-third-secret-nobody-configured-here!!' })
  assert.equal(await reason(rotated, await stranger.encode({ user: 'eve' })), 'signature')
})

test('maxAge: valid a millisecond before maxAge, expired at exactly maxAge (RFC 7519)', async () => {
  const time = clock()
  const codec = signedCodec({ secrets: SECRET, maxAge: 60, now: time.now })
  const token = await codec.encode({ user: 'ada' })
  time.advance(59.999)
  assert.equal(await reason(codec, token), 'valid')
  time.advance(0.001)
  assert.equal(await reason(codec, token), 'expired')
})

test('maxAge is absolute: rewriting the session does not extend it', async () => {
  const time = clock()
  const codec = signedCodec({ secrets: SECRET, maxAge: 100, now: time.now })
  let token = await codec.encode({ n: 0 })
  time.advance(90)
  const previous = await codec.decodeSession(token)
  const next = await codec.encodeSession({ n: 1 }, { previous })
  token = next.token
  assert.equal(next.maxAge, 10)
  time.advance(11)
  assert.equal(await reason(codec, token), 'expired')
})

test('maxAge null means no absolute limit', async () => {
  const time = clock()
  const codec = signedCodec({ secrets: SECRET, maxAge: null, now: time.now })
  const { token, maxAge } = await codec.encodeSession({ n: 0 }, {})
  assert.equal(maxAge, undefined)
  time.advance(10 * 365 * 86400)
  assert.equal(await reason(codec, token), 'valid')
})

test('idleTimeout: idle too long is turned down; renewal re-issues an unchanged session once per half window', async () => {
  const time = clock()
  const backends = {
    codec: signedCodec({ secrets: SECRET, idleTimeout: 100, now: time.now }),
    ...cookie(),
  }
  const { handler, invalid } = counter(backends)
  let jar = nextCookie(await handler(request()))
  const read = () => handler(request(jar, {}, 'http://localhost/read'))

  time.advance(49)
  assert.equal((await read()).headers.get('set-cookie'), null, 'not due before half the window')
  time.advance(1)
  const renewed = await read()
  assert.match(renewed.headers.get('set-cookie') ?? '', /^session=.*Max-Age=100;/)
  jar = nextCookie(renewed, jar)
  time.advance(30)
  assert.equal((await read()).headers.get('set-cookie'), null, 'renewed token is fresh again')
  time.advance(71)
  assert.equal(await (await read()).text(), '0')
  assert.deepEqual(
    invalid.map((e) => e.reason),
    ['idle'],
  )
})

test('a token issued in the future is turned down', async () => {
  const time = clock()
  const codec = signedCodec({ secrets: SECRET, now: time.now })
  const token = await codec.encode({ user: 'ada' })
  time.advance(-5)
  assert.equal(await reason(codec, token), 'valid', 'within the default clock tolerance of 5 s')
  time.advance(-1)
  assert.equal(await reason(codec, token), 'future')
})

test('the cookie lives as long as the token: Max-Age is the remaining lifetime', async () => {
  const time = clock()
  const { handler } = counter({
    codec: signedCodec({ secrets: SECRET, maxAge: 3600, now: time.now }),
    ...cookie(),
  })
  const first = await handler(request())
  assert.match(first.headers.get('set-cookie') ?? '', /Max-Age=3600;/)
  time.advance(600)
  const second = await handler(request(nextCookie(first)))
  assert.match(second.headers.get('set-cookie') ?? '', /Max-Age=3000;/)
})

test('the default lifetime is 14 days', async () => {
  const { maxAge } = await signedCodec({ secrets: SECRET }).encodeSession({}, {})
  assert.equal(maxAge, 14 * 86400)
})

test('bad options are ERR_SESSION_CONFIG at construction, and no secret is echoed', () => {
  const bad: unknown[] = [
    { secrets: 'short' },
    { secrets: [] },
    { secrets: [SECRET, 'short-old-secret'] },
    { secrets: 42 },
    {},
    undefined,
    { secrets: SECRET, maxAge: 0 },
    { secrets: SECRET, maxAge: -1 },
    { secrets: SECRET, maxAge: Number.NaN },
    { secrets: SECRET, idleTimeout: 0 },
    { secrets: SECRET, now: 5 },
  ]
  for (const options of bad) {
    assert.throws(
      () => signedCodec(options as Parameters<typeof signedCodec>[0]),
      (error: unknown) =>
        error instanceof SessionError &&
        error.code === 'ERR_SESSION_CONFIG' &&
        !error.message.includes('short-old-secret'),
      JSON.stringify(options),
    )
  }
})

test('keys are imported at most once per secret, never per request', async () => {
  const subtle = crypto.subtle as SubtleCrypto & { importKey: SubtleCrypto['importKey'] }
  const original = subtle.importKey
  let imports = 0
  subtle.importKey = function (this: SubtleCrypto, ...args: Parameters<SubtleCrypto['importKey']>) {
    imports++
    return original.apply(this, args)
  } as SubtleCrypto['importKey']
  try {
    const secret = `a-fresh-secret-only-this-test-uses-${Math.random()}`
    for (const webCrypto of [false, true]) {
      const codec = signedCodec({ secrets: secret, webCrypto })
      const { handler } = counter({ codec, ...cookie() })
      let jar = ''
      for (let i = 0; i < 5; i++) jar = nextCookie(await handler(request(jar)), jar)
    }
    // node:crypto imports nothing; WebCrypto imports the key once.
    assert.equal(imports, 1)
  } finally {
    subtle.importKey = original
  }
})

test('a token an older secret signed is issued again under the newest, even unchanged', async () => {
  const oldCookie = `session=${await signedCodec({ secrets: OTHER_SECRET }).encode({ count: 4 })}`
  const { handler } = counter({
    codec: signedCodec({ secrets: [SECRET, OTHER_SECRET] }),
    ...cookie(),
  })
  const response = await handler(request(oldCookie, {}, 'http://localhost/read'))
  assert.equal(await response.text(), '4')
  const reissued = nextCookie(response).slice('session='.length)
  assert.deepEqual(await signedCodec({ secrets: SECRET }).decode(reissued), { count: 4 })
  const fresh = nextCookie(response)
  const again = await handler(request(fresh, {}, 'http://localhost/read'))
  assert.equal(
    again.headers.get('set-cookie'),
    null,
    'a token under the newest secret is left alone',
  )
})
