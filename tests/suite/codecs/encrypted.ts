/** encryptedCodec: a standard JWE (dir, A256GCM) on WebCrypto, that jose opens and writes too. */
import assert from 'node:assert/strict'
import { CompactEncrypt, compactDecrypt } from 'jose'
import {
  cookie,
  DecodeError,
  type EncryptedCodecOptions,
  encryptedCodec,
  SessionError,
} from '../../../src/index.ts'
import { decodeBase64url, encodeBase64url, utf8 } from '../../../src/lib/base64url.ts'
import { clock, counter, nextCookie, OTHER_SECRET, request, SECRET } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('encryptedCodec')

const T0 = Date.UTC(2026, 0, 1)
const NOW = T0 / 1000

/** The derivation as the codec documents it, written out independently. */
async function documentedKey(
  secret: string,
): Promise<{ key: Uint8Array<ArrayBuffer>; kid: string }> {
  const ikm = await crypto.subtle.importKey('raw', utf8(secret), 'HKDF', false, ['deriveBits'])
  const key = new Uint8Array(
    await crypto.subtle.deriveBits(
      {
        name: 'HKDF',
        hash: 'SHA-256',
        salt: new Uint8Array(0),
        info: utf8('fetch-session encryptedCodec A256GCM'),
      },
      ikm,
      256,
    ),
  )
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', key))
  return { key, kid: encodeBase64url(digest.subarray(0, 8)) }
}

function json(segment: string): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(decodeBase64url(segment)))
}

async function rejection(promise: unknown): Promise<DecodeError> {
  try {
    await promise
  } catch (error) {
    assert.ok(error instanceof DecodeError, `expected a DecodeError, got ${String(error)}`)
    return error
  }
  assert.fail('the token was accepted')
}

/** A JWE built by hand, so that the header, IV and tag can be anything. */
async function handMade(
  header: object,
  plaintext: string,
  options: { iv?: number; encryptedKey?: string; tagCut?: number; secret?: string } = {},
): Promise<string> {
  const { key } = await documentedKey(options.secret ?? SECRET)
  const aesKey = await crypto.subtle.importKey('raw', key, 'AES-GCM', false, ['encrypt'])
  const protectedHeader = encodeBase64url(utf8(JSON.stringify(header)))
  const iv = crypto.getRandomValues(new Uint8Array(12))
  // Runtimes differ on which IV lengths they encrypt with; the codec refuses others unopened.
  const presentedIv =
    options.iv === undefined ? iv : crypto.getRandomValues(new Uint8Array(options.iv))
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: utf8(protectedHeader) },
      aesKey,
      utf8(plaintext),
    ),
  )
  const split = sealed.length - 16
  const tag = sealed.subarray(split, sealed.length - (options.tagCut ?? 0))
  return [
    protectedHeader,
    options.encryptedKey ?? '',
    encodeBase64url(presentedIv),
    encodeBase64url(sealed.subarray(0, split)),
    encodeBase64url(tag),
  ].join('.')
}

const codec = (options: Partial<EncryptedCodecOptions> = {}) =>
  encryptedCodec({ secrets: SECRET, now: () => T0, ...options })

test('a session survives a round trip through cookies, as a five-part dir/A256GCM JWE', async () => {
  const { handler, invalid } = counter({ codec: encryptedCodec({ secrets: SECRET }), ...cookie() })
  const jar = nextCookie(await handler(request()))
  const token = jar.slice('session='.length)
  const parts = token.split('.')
  assert.equal(parts.length, 5)
  assert.equal(parts[1], '')
  const { kid } = await documentedKey(SECRET)
  assert.deepEqual(json(parts[0]!), { alg: 'dir', enc: 'A256GCM', kid })
  assert.equal(decodeBase64url(parts[2]!)?.length, 12)
  assert.equal(decodeBase64url(parts[4]!)?.length, 16)
  assert.ok(!token.includes(encodeBase64url(utf8('count'))))
  assert.equal(await (await handler(request(jar))).text(), '2')
  assert.equal(invalid.length, 0)
})

test("jose's compactDecrypt opens our tokens with the documented key", async () => {
  const encoded = await codec({ maxAge: 600 }).encodeSession({ user: 'ada', n: [1, 2] }, {})
  const token = encoded.token
  const { key } = await documentedKey(SECRET)
  const { plaintext, protectedHeader } = await compactDecrypt(token, key)
  assert.equal(protectedHeader.alg, 'dir')
  assert.equal(protectedHeader.enc, 'A256GCM')
  assert.deepEqual(JSON.parse(new TextDecoder().decode(plaintext)), {
    iat: NOW,
    sst: NOW,
    exp: NOW + 600,
    data: { user: 'ada', n: [1, 2] },
  })
  assert.equal(encoded.maxAge, 600)
  assert.equal(encoded.started, NOW)
})

test("we decode what jose's CompactEncrypt writes with the same key, with or without kid", async () => {
  const { key, kid } = await documentedKey(SECRET)
  const plaintext = utf8(JSON.stringify({ iat: NOW, sst: NOW - 10, data: { from: 'jose' } }))
  for (const header of [
    { alg: 'dir', enc: 'A256GCM', kid },
    { alg: 'dir', enc: 'A256GCM' },
  ]) {
    const token = await new CompactEncrypt(plaintext).setProtectedHeader(header).encrypt(key)
    const decoded = await codec().decodeSession(token)
    assert.deepEqual(decoded.data, { from: 'jose' })
    assert.equal(decoded.started, NOW - 10)
  }
})

test('one AES-GCM call per encode and per decode; none for a token the cache holds', async () => {
  const c = encryptedCodec({ secrets: [SECRET, OTHER_SECRET], cache: false })
  const cached = encryptedCodec({ secrets: [SECRET, OTHER_SECRET] })
  await c.decode(await c.encode({ warm: true }))
  const subtle = crypto.subtle
  const { encrypt, decrypt } = subtle
  let encrypts = 0
  let decrypts = 0
  subtle.encrypt = function (this: SubtleCrypto, ...args: Parameters<SubtleCrypto['encrypt']>) {
    encrypts++
    return encrypt.apply(this, args)
  } as SubtleCrypto['encrypt']
  subtle.decrypt = function (this: SubtleCrypto, ...args: Parameters<SubtleCrypto['decrypt']>) {
    decrypts++
    return decrypt.apply(this, args)
  } as SubtleCrypto['decrypt']
  try {
    const token = await c.encode({ user: 'ada' })
    assert.equal(encrypts, 1)
    assert.deepEqual(await c.decode(token), { user: 'ada' })
    assert.equal(decrypts, 1)
    const old = await encryptedCodec({ secrets: OTHER_SECRET }).encode({ user: 'bob' })
    decrypts = 0
    assert.deepEqual(await c.decode(old), { user: 'bob' })
    assert.equal(decrypts, 1, 'the kid picks the older key directly')
    decrypts = 0
    const issued = await cached.encode({ user: 'cyd' })
    assert.deepEqual(await cached.decode(issued), { user: 'cyd' })
    assert.deepEqual(await cached.decode(old), { user: 'bob' })
    assert.deepEqual(await cached.decode(old), { user: 'bob' })
    assert.equal(decrypts, 1, 'an issued token and a token seen before are not decrypted again')
  } finally {
    subtle.encrypt = encrypt
    subtle.decrypt = decrypt
  }
})

test('tampered, truncated, garbage and wrong-secret tokens give an empty session and onInvalid', async () => {
  const { handler, invalid } = counter({ codec: encryptedCodec({ secrets: SECRET }), ...cookie() })
  const token = nextCookie(await handler(request())).slice('session='.length)
  const [h, k, iv, ct, tag] = token.split('.') as [string, string, string, string, string]
  const flip = (s: string, i: number) =>
    `${s.slice(0, i)}${s[i] === 'A' ? 'B' : 'A'}${s.slice(i + 1)}`
  const foreign = await encryptedCodec({ secrets: OTHER_SECRET }).encode({ count: 9 })
  const cases: [string, DecodeError['reason']][] = [
    [[h, k, iv, flip(ct, 3), tag].join('.'), 'signature'],
    [[h, k, flip(iv, 0), ct, tag].join('.'), 'signature'],
    [[h, k, iv, ct, flip(tag, 5)].join('.'), 'signature'],
    [[h, k, iv, encodeBase64url(decodeBase64url(ct)!.subarray(3)), tag].join('.'), 'signature'],
    [[h, k, iv, ct].join('.'), 'malformed'],
    [[h, k, iv, ct, tag.slice(0, 20)].join('.'), 'malformed'],
    [`${token}.`, 'malformed'],
    ['garbage', 'malformed'],
    ['....', 'malformed'],
    [foreign, 'signature'],
  ]
  for (const [bad, reason] of cases) {
    const response = await handler(request(`session=${bad}`, {}, 'http://localhost/read'))
    assert.equal(await response.text(), '0', bad)
    assert.equal(invalid.at(-1)?.reason, reason, bad)
  }
  assert.equal(invalid.length, cases.length)
})

test('strict shape: only dir/A256GCM, empty encrypted key, 12-byte IV, 16-byte tag', async () => {
  const { kid } = await documentedKey(SECRET)
  const plaintext = JSON.stringify({ iat: NOW, sst: NOW, data: { a: 1 } })
  const good = { alg: 'dir', enc: 'A256GCM', kid }
  assert.deepEqual(await codec().decode(await handMade(good, plaintext)), { a: 1 })
  const bad = [
    await handMade({ ...good, alg: 'A256KW' }, plaintext),
    await handMade({ ...good, alg: 'DIR' }, plaintext),
    await handMade({ ...good, enc: 'A128GCM' }, plaintext),
    await handMade({ ...good, zip: 'DEF' }, plaintext),
    await handMade({ ...good, crit: ['exp'] }, plaintext),
    await handMade({ ...good, kid: 7 }, plaintext),
    await handMade(good, plaintext, { iv: 16 }),
    await handMade(good, plaintext, { iv: 8 }),
    await handMade(good, plaintext, { tagCut: 4 }),
    await handMade(good, plaintext, { encryptedKey: 'AAAA' }),
  ]
  for (const token of bad) {
    assert.equal((await rejection(codec().decode(token))).reason, 'malformed', token)
  }
  const [h, ...rest] = (await handMade(good, plaintext)).split('.')
  const sloppyHeader = `${h!.slice(0, -1)}${h!.at(-1) === 'Q' ? 'R' : 'Q'}`
  assert.notEqual(sloppyHeader, h)
  await rejection(codec().decode([sloppyHeader, ...rest].join('.')))
})

test('authenticated plaintext of the wrong shape is malformed', async () => {
  for (const plaintext of [
    '[]',
    '{"iat":1,"sst":1}',
    `{"iat":${NOW},"sst":${NOW},"data":[]}`,
    `{"iat":"${NOW}","sst":${NOW},"data":{}}`,
    `{"iat":${NOW},"sst":${NOW},"exp":1e400,"data":{}}`,
    `{"iat":${NOW},"sst":${NOW},"data":{},"admin":true}`,
    'not json',
  ]) {
    const token = await handMade({ alg: 'dir', enc: 'A256GCM' }, plaintext)
    assert.equal((await rejection(codec().decode(token))).reason, 'malformed', plaintext)
  }
})

test('rotation: older secrets decrypt and the token is re-issued under the newest', async () => {
  const time = clock()
  const old = await encryptedCodec({ secrets: OTHER_SECRET, now: time.now }).encode({ a: 1 })
  const rotated = encryptedCodec({ secrets: [SECRET, OTHER_SECRET], now: time.now })
  const previous = await rotated.decodeSession(old)
  assert.deepEqual(previous.data, { a: 1 })
  assert.equal(previous.renew, true)
  const fresh = (await rotated.encodeSession({ a: 1 }, { previous })).token
  assert.equal(json(fresh.split('.')[0]!).kid, (await documentedKey(SECRET)).kid)
  assert.equal((await rotated.decodeSession(fresh)).renew, false)
  const dropped = encryptedCodec({ secrets: SECRET, now: time.now })
  assert.equal((await rejection(dropped.decode(old))).reason, 'signature')
})

test('maxAge, idleTimeout and future tokens follow the signed codec semantics', async () => {
  const time = clock()
  const c = encryptedCodec({ secrets: SECRET, maxAge: 100, idleTimeout: 40, now: time.now })
  const token = await c.encode({ a: 1 })
  time.advance(19)
  assert.equal((await c.decodeSession(token)).renew, false)
  time.advance(1)
  assert.equal((await c.decodeSession(token)).renew, true)
  time.advance(21)
  assert.equal((await rejection(c.decode(token))).reason, 'idle')

  let current = await encryptedCodec({ secrets: SECRET, maxAge: 100, now: time.now }).encode({})
  const absolute = encryptedCodec({ secrets: SECRET, maxAge: 100, now: time.now })
  for (let step = 0; step < 3; step++) {
    time.advance(30)
    const previous = await absolute.decodeSession(current)
    current = (await absolute.encodeSession({ step }, { previous })).token
  }
  time.advance(11)
  assert.equal((await rejection(absolute.decode(current))).reason, 'expired')

  const skewed = await encryptedCodec({ secrets: SECRET, now: () => T0 + 5000 }).encode({})
  assert.deepEqual(await codec().decode(skewed), {}, 'within the default clock tolerance')
  const future = await encryptedCodec({ secrets: SECRET, now: () => T0 + 6000 }).encode({})
  assert.equal((await rejection(codec().decode(future))).reason, 'future')
})

test('config errors throw at construction', () => {
  for (const secrets of [undefined, [], 'short', ['x'.repeat(31)], [SECRET, 'short'], [42], {}]) {
    assert.throws(
      () => encryptedCodec({ secrets } as EncryptedCodecOptions),
      (error: unknown) =>
        error instanceof SessionError &&
        error.code === 'ERR_SESSION_CONFIG' &&
        !error.message.includes(SECRET),
    )
  }
  assert.throws(() => encryptedCodec({ secrets: SECRET, maxAge: -1 }), SessionError)
  assert.throws(() => encryptedCodec({ secrets: SECRET, idleTimeout: 0 }), SessionError)
})
