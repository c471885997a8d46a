/** djangoCodec: vectors signed by the real Django 3.2 (tests/vectors/django.json), on every runtime. */
import assert from 'node:assert/strict'
import { loadPayload } from '../../../src/codecs/itsdangerous.ts'
import { DecodeError, djangoCodec, SessionError } from '../../../src/index.ts'
import { fromUtf8 } from '../../../src/lib/base64url.ts'
import { suite } from '../../harness.ts'
import vectors from '../../vectors/django.json' with { type: 'json' }

const test = suite('djangoCodec')

test('opens every token Django signed: SHA-256, and SHA-1 with legacySha1 (re-issued)', async () => {
  for (const vector of vectors.signed) {
    const codec = djangoCodec({
      secretKey: vector.secretKey,
      legacySha1: true,
      now: () => vector.time * 1000,
    })
    const opened = await codec.decodeSession(vector.token)
    assert.deepEqual(opened.data, vector.data)
    assert.equal(opened.renew, vector.algorithm === 'sha1')
  }
})

test('a SHA-1 token is refused by default, as Django 4.0+ refuses it; read with sha1 or legacySha1', async () => {
  const sha1 = vectors.signed.filter((v) => v.algorithm === 'sha1')
  assert.ok(sha1.length > 0)
  for (const vector of sha1) {
    const options = { secretKey: vector.secretKey, now: () => vector.time * 1000 }
    await assert.rejects(
      djangoCodec(options).decode(vector.token),
      (e: unknown) => e instanceof DecodeError && e.reason === 'signature',
    )
    const current = await djangoCodec({ ...options, algorithm: 'sha1' }).decodeSession(vector.token)
    assert.deepEqual([current.data, current.renew], [vector.data, false])
    const legacy = await djangoCodec({ ...options, legacySha1: true }).decodeSession(vector.token)
    assert.deepEqual([legacy.data, legacy.renew], [vector.data, true], 're-issued under SHA-256')
  }
})

test('signs as Django does: the same JSON inside, the same token when neither side compressed', async () => {
  for (const vector of vectors.signed) {
    const algorithm = vector.algorithm as 'sha256' | 'sha1'
    const codec = djangoCodec({
      secretKey: vector.secretKey,
      algorithm,
      now: () => vector.time * 1000,
    })
    const token = await codec.encode(vector.data)
    // zlib streams differ between zlib builds, and so may the choice to compress; the JSON may not.
    assert.equal(fromUtf8(await loadPayload(token.slice(0, token.indexOf(':')))), vector.json)
    if (!token.startsWith('.') && !vector.token.startsWith('.')) assert.equal(token, vector.token)
  }
})

test('judges age as signing.loads does: refused when age > max_age, to the millisecond', async () => {
  for (const { token, maxAge, now, verdict } of vectors.verdicts) {
    const codec = djangoCodec({
      secretKey: 'a Django SECRET_KEY',
      maxAge,
      now: () => Math.round(now * 1000),
    })
    const reason = await codec.decode(token).then(
      () => 'ok',
      (error: DecodeError) => error.reason,
    )
    assert.equal(reason, verdict, `maxAge ${maxAge} at ${now}`)
  }
})

test('the cookie gets SESSION_COOKIE_AGE, or none when it expires at browser close', async () => {
  assert.equal(
    (await djangoCodec({ secretKey: 'k', maxAge: 600 }).encodeSession({ a: 1 }, {})).maxAge,
    600,
  )
  const closing = djangoCodec({ secretKey: 'k', expireAtBrowserClose: true })
  assert.equal((await closing.encodeSession({ a: 1 }, {})).maxAge, undefined)
})

test('an older secret verifies and asks for re-issue; a foreign one and garbage do not', async () => {
  const vector = vectors.signed.find((v) => v.algorithm === 'sha256' && v.time === 1767225600)!
  const rotated = djangoCodec({
    secretKey: ['the new key', vector.secretKey],
    now: () => vector.time * 1000,
  })
  const { data, renew } = await rotated.decodeSession(vector.token)
  assert.deepEqual({ data, renew }, { data: vector.data, renew: true })
  const other = djangoCodec({ secretKey: 'another key', now: () => vector.time * 1000 })
  for (const [token, reason] of [
    [vector.token, 'signature'],
    ['no separators', 'malformed'],
    [`${vector.token.slice(0, -1)}!`, 'signature'],
  ] as const) {
    await assert.rejects(
      other.decode(token),
      (e: unknown) => e instanceof DecodeError && e.reason === reason,
    )
  }
})

test('options are checked at construction, naming the option', () => {
  const config = (f: () => unknown, word: string) =>
    assert.throws(
      f,
      (e: unknown) =>
        e instanceof SessionError &&
        e.code === 'ERR_SESSION_CONFIG' &&
        e.message.startsWith('djangoCodec: ') &&
        e.message.includes(word),
    )
  config(() => djangoCodec({ secretKey: '' }), 'secretKey')
  config(() => djangoCodec({ secretKey: 'k', algorithm: 'md5' as 'sha1' }), 'algorithm')
  config(() => djangoCodec({ secretKey: 'k', maxAge: 1.5 }), 'maxAge')
  config(() => djangoCodec({ secretKey: 'k', compress: 'yes' as unknown as boolean }), 'compress')
})
