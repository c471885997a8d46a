/** flaskCodec: vectors signed by the real Flask 2.2 (tests/vectors/flask.json), on every runtime. */
import assert from 'node:assert/strict'
import { loadPayload } from '../../../src/codecs/itsdangerous.ts'
import { DecodeError, flaskCodec, type SessionData, SessionError } from '../../../src/index.ts'
import { fromUtf8 } from '../../../src/lib/base64url.ts'
import { suite } from '../../harness.ts'
import vectors from '../../vectors/flask.json' with { type: 'json' }

const test = suite('flaskCodec')
const json = async (token: string): Promise<string> =>
  fromUtf8(await loadPayload(token.slice(0, token.lastIndexOf('.', token.lastIndexOf('.') - 1))))

test('opens every token Flask signed, tagged values as $-objects', async () => {
  for (const vector of vectors.signed) {
    const codec = flaskCodec({ secretKey: vector.secretKey, now: () => vector.time * 1000 })
    assert.deepEqual(await codec.decode(vector.token), vector.data, vector.token)
  }
})

test('signs as Flask does: the same JSON inside, the same token when neither side compressed', async () => {
  for (const vector of vectors.signed) {
    const codec = flaskCodec({
      secretKey: vector.secretKey,
      trustedMarkup: ['html'],
      now: () => vector.time * 1000,
    })
    const token = await codec.encode(vector.data)
    // zlib streams differ between zlib builds, and so may the choice to compress; the JSON may not.
    assert.equal(await json(token), vector.json)
    if (!token.startsWith('.') && !vector.token.startsWith('.')) assert.equal(token, vector.token)
  }
})

test('judges age as itsdangerous does: refused when age > max_age', async () => {
  for (const { token, maxAge, now, verdict } of vectors.verdicts) {
    const codec = flaskCodec({
      secretKey: 'a Flask SECRET_KEY',
      maxAge,
      clockTolerance: 0,
      now: () => now * 1000,
    })
    const reason = await codec.decode(token).then(
      () => 'ok',
      (error: DecodeError) => error.reason,
    )
    assert.equal(reason, verdict, `maxAge ${maxAge} at ${now}`)
  }
})

test('a permanent session gets Max-Age, a plain one lasts until the browser closes', async () => {
  const codec = flaskCodec({ secretKey: 'k', maxAge: 600, now: () => 1e12 })
  assert.equal((await codec.encodeSession({ _permanent: true }, {})).maxAge, 600)
  assert.equal((await codec.encodeSession({ a: 1 }, {})).maxAge, undefined)
})

test('tampered, foreign and malformed tokens are turned down with a reason', async () => {
  const vector = vectors.signed.find((v) => v.time === 1767225600 && !v.token.startsWith('.'))!
  const codec = flaskCodec({ secretKey: vector.secretKey, now: () => vector.time * 1000 })
  const other = flaskCodec({ secretKey: 'another key', now: () => vector.time * 1000 })
  const flip =
    vector.token.slice(0, -2) + (vector.token.endsWith('A') ? 'B' : 'A') + vector.token.slice(-1)
  const cases: [string, string][] = [
    [flip, 'signature'],
    [await other.encode({ a: 1 }), 'signature'],
    ['garbage', 'malformed'],
    ['a.b', 'malformed'],
    [`${vector.token}x`, 'malformed'],
  ]
  for (const [token, reason] of cases) {
    await assert.rejects(
      codec.decode(token),
      (e: unknown) => e instanceof DecodeError && e.reason === reason,
    )
  }
})

test('a tagged object of the wrong kind is refused on write, never written as something else', async () => {
  const codec = flaskCodec({ secretKey: 'k' })
  for (const data of [
    { a: { $uuid: 'nope' } },
    { a: { $tuple: 1 } },
    { a: { $datetime: 'soon' } },
  ]) {
    await assert.rejects(codec.encode(data), TypeError)
  }
})

test('{ $markup } under a key not named in trustedMarkup is written as a plain dict, never as Markup', async () => {
  const script = '<script>alert(document.cookie)</script>'
  const codec = flaskCodec({ secretKey: 'k' })
  const cases: [SessionData, string][] = [
    [
      { note: { $markup: script } },
      '{"note":{"$markup":"<script>alert(document.cookie)</script>"}}',
    ],
    [{ list: [{ $markup: 'x' }] }, '{"list":[{"$markup":"x"}]}'],
    [{ pair: { $tuple: [{ $markup: 'x' }] } }, '{"pair":{" t":[{"$markup":"x"}]}}'],
    [{ deep: { a: { $dict: { $markup: 'x' } } } }, '{"deep":{"a":{"$markup":"x"}}}'],
    [{ $markup: 'x' }, '{"$markup":"x"}'],
    [{ odd: { $markup: 5 } }, '{"odd":{"$markup":5}}'],
    // A dict whose one key is Flask's own tag is escaped as Flask escapes it.
    [{ raw: { ' m': script } }, `{"raw":{" di":{" m__":"${script}"}}}`],
  ]
  for (const [data, expected] of cases) {
    const token = await codec.encode(data)
    assert.equal(await json(token), expected)
    assert.doesNotMatch(await json(token), /" m":/)
  }
  // Read back as the dict it is: `$dict` keeps it apart from Flask's own Markup.
  assert.deepEqual(await codec.decode(await codec.encode(cases[0]![0])), {
    note: { $dict: { $markup: script } },
  })
  assert.deepEqual(await codec.decode(await codec.encode(cases[6]![0])), cases[6]![0])
})

test('trustedMarkup names the session keys whose { $markup } is written as Flask Markup', async () => {
  const codec = flaskCodec({ secretKey: 'k', trustedMarkup: ['_flashes', 'banner'] })
  const data = {
    _flashes: [{ $tuple: ['message', { $markup: '<b>Saved</b>' }] }],
    banner: { $markup: '<i>hi</i>' },
    bio: { $markup: '<i>hi</i>' },
  }
  assert.equal(
    await json(await codec.encode(data)),
    '{"_flashes":[{" t":["message",{" m":"<b>Saved</b>"}]}],"banner":{" m":"<i>hi</i>"},"bio":{"$markup":"<i>hi</i>"}}',
  )
  assert.deepEqual(await codec.decode(await codec.encode(data)), {
    ...data,
    bio: { $dict: { $markup: '<i>hi</i>' } },
  })
  await assert.rejects(codec.encode({ banner: { $markup: 5 } }), TypeError)
})

test('options are checked at construction, naming the option', () => {
  const config = (f: () => unknown, word: string) =>
    assert.throws(
      f,
      (e: unknown) =>
        e instanceof SessionError &&
        e.code === 'ERR_SESSION_CONFIG' &&
        e.message.startsWith('flaskCodec: ') &&
        e.message.includes(word),
    )
  config(() => flaskCodec({ secretKey: '' }), 'secretKey')
  config(() => flaskCodec({ secretKey: [] }), 'secretKey')
  config(() => flaskCodec({ secretKey: 'k', maxAge: -1 }), 'maxAge')
  config(() => flaskCodec({ secretKey: 'k', clockTolerance: -1 }), 'clockTolerance')
  config(
    () => flaskCodec({ secretKey: 'k', trustedMarkup: 'note' as unknown as string[] }),
    'trustedMarkup',
  )
  config(
    () => flaskCodec({ secretKey: 'k', trustedMarkup: [1 as unknown as string] }),
    'trustedMarkup',
  )
})
