/** starletteCodec: byte-compatible with Starlette 0.26's SessionMiddleware (itsdangerous 2.1). */
import assert from 'node:assert/strict'
import {
  cookie,
  DecodeError,
  getSession,
  type SessionData,
  SessionError,
  starletteCodec,
  withSession,
} from '../../../src/index.ts'
import { clock, nextCookie, request } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('starletteCodec')

/*
 * Made once with the real itsdangerous 2.1.2 and Python 3.11 (tests/fixtures/interop/itsdangerous_tool.py,
 * op "sign": Starlette's b64encode(json.dumps(data)) signed by a TimestampSigner whose
 * get_timestamp() returns the pinned time), then pasted here so the suite runs without Python.
 */
const FIXTURES: { what: string; key: string; time: number; data: SessionData; token: string }[] = [
  {
    what: 'empty session, timestamp 0',
    key: 'secret',
    time: 0,
    data: {},
    token: 'e30=..uZmO2jio5e_3cGBgQ16Xsy2D44E',
  },
  {
    what: 'nested objects, timestamp 255',
    key: 'secret',
    time: 255,
    data: {
      user: { id: 7, roles: ['admin', 'ops'], prefs: { theme: 'dark', ratio: 0.1 } },
      ok: true,
      none: null,
    },
    token:
      'eyJ1c2VyIjogeyJpZCI6IDcsICJyb2xlcyI6IFsiYWRtaW4iLCAib3BzIl0sICJwcmVmcyI6IHsidGhlbWUiOiAiZGFyayIsICJyYXRpbyI6IDAuMX19LCAib2siOiB0cnVlLCAibm9uZSI6IG51bGx9._w.R2C0s9KfX1ltcqSd3ZDPESgpozc',
  },
  {
    what: 'non-ASCII and astral characters, timestamp 256',
    key: 'secret',
    time: 256,
    data: { name: 'Zoë', city: '東京', emoji: '😀' },
    token:
      'eyJuYW1lIjogIlpvXHUwMGViIiwgImNpdHkiOiAiXHU2NzcxXHU0ZWFjIiwgImVtb2ppIjogIlx1ZDgzZFx1ZGUwMCJ9.AQA.zppU7GcMg0JelLktqeIMzvY6h3Q',
  },
  {
    what: "'+' and '/' in the base64, timestamp 2^32",
    key: 'secret',
    time: 2 ** 32,
    data: { k: '????~' },
    token: 'eyJrIjogIj8/Pz9+In0=.AQAAAAA.4LXExuAtO-Tb3Cl6u3INQOwMx-A',
  },
  {
    what: "Python's float repr, a realistic time and key",
    key: 'a much longer secret key for starlette',
    time: 1767225600,
    data: {
      f: [0.1, 1.5e-7, 1e22, -2.5e300, 123456789.123, 0.0001, 1e-5],
      i: [0, -1, 9007199254740991, 1e16],
    },
    token:
      'eyJmIjogWzAuMSwgMS41ZS0wNywgMWUrMjIsIC0yLjVlKzMwMCwgMTIzNDU2Nzg5LjEyMywgMC4wMDAxLCAxZS0wNV0sICJpIjogWzAsIC0xLCA5MDA3MTk5MjU0NzQwOTkxLCAxMDAwMDAwMDAwMDAwMDAwMF19.aVW5AA.1830HaIKSeiRZyZ9dbrHPp1UyIk',
  },
]
/** `{"user": "ana"}` at 1767225600, signed by itsdangerous with the key 'old secret'. */
const OLD_KEY_TOKEN = 'eyJ1c2VyIjogImFuYSJ9.aVW5AA.Q1ckwy_auO_knkIsp08AMZks494'

const at = (seconds: number) => () => seconds * 1000
const NOW = 1767225600

/** itsdangerous' signing written out independently, to sign payloads Starlette never would. */
async function itsSign(secret: string, value: string): Promise<string> {
  const bytes = (text: string) => new TextEncoder().encode(text)
  const derived = await crypto.subtle.digest('SHA-1', bytes(`itsdangerous.Signersigner${secret}`))
  const key = await crypto.subtle.importKey(
    'raw',
    derived,
    { name: 'HMAC', hash: 'SHA-1' },
    false,
    ['sign'],
  )
  const tag = new Uint8Array(await crypto.subtle.sign('HMAC', key, bytes(value)))
  const b64 = btoa(String.fromCharCode(...tag))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
  return `${value}.${b64.replace(/=+$/, '')}`
}
/** A token whose payload segment is `payload`, validly signed at NOW with 'secret'. */
const signedPayload = (payload: string) => itsSign('secret', `${payload}.aVW5AA`)

async function rejects(token: string | Promise<string>, reason: string, options = {}) {
  const codec = starletteCodec({ secretKey: 'secret', now: at(NOW), ...options })
  await assert.rejects(
    async () => codec.decode(await token),
    (error: unknown) => error instanceof DecodeError && error.reason === reason,
  )
}

for (const { what, key, time, data, token } of FIXTURES) {
  test(`encodes byte for byte as itsdangerous: ${what}`, async () => {
    assert.equal(await starletteCodec({ secretKey: key, now: at(time) }).encode(data), token)
  })
  test(`decodes the itsdangerous token: ${what}`, async () => {
    assert.deepEqual(await starletteCodec({ secretKey: key, now: at(time) }).decode(token), data)
  })
}

test('the timestamp is int_to_bytes in base64url: empty for 0, _w, AQA, AQAAAAA', () => {
  assert.deepEqual(
    FIXTURES.slice(0, 4).map(({ token }) => token.split('.')[1]),
    ['', '_w', 'AQA', 'AQAAAAA'],
  )
  assert.match(FIXTURES[3]!.token.split('.')[0]!, /\+.*\/|\/.*\+/)
})

test('round trip keeps nested and non-ASCII data', async () => {
  const codec = starletteCodec({ secretKey: 'k' })
  const data = { cart: [{ sku: 'ü-1', qty: 2 }], note: 'tab\t"q" \u007f 😀', empty: {} }
  assert.deepEqual(await codec.decode(await codec.encode(data)), data)
})

test('age equal to maxAge is valid, maxAge + 1 is expired', async () => {
  const token = await starletteCodec({ secretKey: 'secret', now: at(NOW) }).encode({ a: 1 })
  const later = (seconds: number) =>
    starletteCodec({ secretKey: 'secret', maxAge: 60, now: at(NOW + seconds) })
  assert.deepEqual(await later(60).decode(token), { a: 1 })
  await rejects(token, 'expired', { maxAge: 60, now: at(NOW + 61) })
})

test('a timestamp a second ahead is refused by default, as itsdangerous refuses it; clockTolerance forgives; without maxAge no time is checked', async () => {
  const ahead = await starletteCodec({ secretKey: 'secret', now: at(NOW + 1) }).encode({ a: 1 })
  await rejects(ahead, 'future')
  const skewed = await starletteCodec({ secretKey: 'secret', now: at(NOW + 5) }).encode({ a: 1 })
  const tolerant = starletteCodec({ secretKey: 'secret', now: at(NOW), clockTolerance: 5 })
  assert.deepEqual(await tolerant.decode(skewed), { a: 1 })
  const token = await starletteCodec({ secretKey: 'secret', now: at(NOW + 6) }).encode({ a: 1 })
  await rejects(token, 'future', { clockTolerance: 5 })
  const ageless = starletteCodec({ secretKey: 'secret', maxAge: null, now: at(NOW) })
  assert.deepEqual(await ageless.decode(token), { a: 1 })
  assert.deepEqual(await ageless.decode(FIXTURES[0]!.token), {})
})

test('rotation: the first key signs, every key verifies', async () => {
  const codec = starletteCodec({ secretKey: ['new secret', 'old secret'], now: at(NOW) })
  assert.deepEqual(await codec.decode(OLD_KEY_TOKEN), { user: 'ana' })
  const token = await codec.encode({ user: 'ana' })
  const onlyNew = starletteCodec({ secretKey: 'new secret', now: at(NOW) })
  assert.deepEqual(await onlyNew.decode(token), { user: 'ana' })
  await rejects(token, 'signature', { secretKey: 'old secret' })
})

test('encode sets the cookie Max-Age to maxAge; 0 and null set none', async () => {
  for (const [maxAge, expected] of [
    [undefined, 1209600],
    [3600, 3600],
    [0, undefined],
    [null, undefined],
  ] as const) {
    const encoded = await starletteCodec({ secretKey: 'k', maxAge }).encodeSession({ a: 1 }, {})
    assert.equal(encoded.maxAge, expected)
  }
})

test('a token read a second after it was signed is renewed, as Starlette re-signs', async () => {
  const token = await starletteCodec({ secretKey: 'secret', now: at(NOW) }).encode({ a: 1 })
  const same = await starletteCodec({ secretKey: 'secret', now: at(NOW) }).decodeSession(token)
  const later = await starletteCodec({ secretKey: 'secret', now: at(NOW + 1) }).decodeSession(token)
  assert.deepEqual([same.renew, later.renew], [false, true])
})

const BAD_TOKENS: [string, string | Promise<string>, string][] = [
  ['empty', '', 'malformed'],
  ['no separator', 'e30=', 'malformed'],
  ["one separator (Starlette's cleared value null has none)", 'e30=.aVW5AA', 'malformed'],
  ['null', 'null', 'malformed'],
  ['signature of the wrong length', 'e30=.aVW5AA.abcd', 'malformed'],
  ['signature not base64url', `${OLD_KEY_TOKEN.slice(0, -3)}+/=`, 'malformed'],
  [
    'timestamp with a leading zero byte',
    signedPayload('e30=').then((t) => t.replace('.aVW5AA.', '.AGlVuQA.')),
    'malformed',
  ],
  ['timestamp of 9 bytes', itsSign('secret', 'e30=.AQAAAAAAAAAA'), 'malformed'],
  ['over 40 KiB', `${'A'.repeat(41_000)}.aVW5AA.${'A'.repeat(27)}`, 'malformed'],
  ['another key', OLD_KEY_TOKEN, 'signature'],
  [
    'tampered signature',
    `${FIXTURES[4]!.token.slice(0, -10)}A${FIXTURES[4]!.token.slice(-9)}`,
    'signature',
  ],
  [
    'tampered payload',
    `eyJ1c2VyIjogImJvYiJ9${OLD_KEY_TOKEN.slice(OLD_KEY_TOKEN.indexOf('.'))}`,
    'signature',
  ],
  ['tampered timestamp', OLD_KEY_TOKEN.replace('aVW5AA', 'aVW5AQ'), 'signature'],
  ['signed payload that is not base64', signedPayload('!!!!'), 'malformed'],
  ['signed payload in base64url', signedPayload('eyJrIjogIj8_Pz9-In0='), 'malformed'],
  ['signed payload without padding', signedPayload('e30'), 'malformed'],
  ['signed payload that is not JSON', signedPayload(btoa('not json')), 'malformed'],
  ['signed payload that is not UTF-8', signedPayload(btoa('"\xff"')), 'malformed'],
  ['signed JSON array', signedPayload(btoa('[1, 2]')), 'malformed'],
  ['signed JSON null', signedPayload(btoa('null')), 'malformed'],
  ['signed JSON string', signedPayload(btoa('"x"')), 'malformed'],
]
for (const [what, token, reason] of BAD_TOKENS) {
  test(`bad token (${what}) throws DecodeError ${reason}`, () => rejects(token, reason))
}

test('a bad token gives an empty session and reaches onInvalid', async () => {
  const reasons: string[] = []
  const handler = withSession(
    async (req: Request) => Response.json((await getSession(req)).toJSON()),
    { codec: starletteCodec({ secretKey: 'secret', now: at(NOW) }), ...cookie({ secure: false }) },
    { onInvalid: (error) => reasons.push(error.reason) },
  )
  const response = await handler(request(`session=${OLD_KEY_TOKEN}`))
  assert.deepEqual([await response.json(), reasons], [{}, ['signature']])
})

test('configuration errors throw at construction without echoing the secret', () => {
  const bad = [
    {},
    { secretKey: '' },
    { secretKey: [] },
    { secretKey: ['ok', 7] },
    { secretKey: 'hunter2', maxAge: -1 },
    { secretKey: 'hunter2', maxAge: 1.5 },
    { secretKey: 'hunter2', now: 5 },
  ]
  for (const options of bad) {
    assert.throws(
      () => starletteCodec(options as never),
      (error: unknown) =>
        error instanceof SessionError &&
        error.code === 'ERR_SESSION_CONFIG' &&
        !error.message.includes('hunter2'),
    )
  }
  assert.doesNotThrow(() => starletteCodec({ secretKey: 'x', maxAge: null }))
})

test('a Starlette cookie, bare or quoted, is read through withSession; a read renews it', async () => {
  const time = clock(NOW * 1000)
  const handler = withSession(
    async (req: Request) => Response.json((await getSession(req)).toJSON()),
    {
      codec: starletteCodec({ secretKey: 'old secret', now: time.now }),
      ...cookie({ secure: false }),
    },
  )
  for (const value of [OLD_KEY_TOKEN, `"${OLD_KEY_TOKEN}"`]) {
    const response = await handler(request(`theme=dark; session=${value}`))
    assert.deepEqual(await response.json(), { user: 'ana' })
    assert.equal(response.headers.get('set-cookie'), null)
  }
  time.advance(5)
  const renewed = await handler(request(`session=${OLD_KEY_TOKEN}`))
  const token = nextCookie(renewed).slice('session='.length)
  assert.equal(token.split('.')[0], OLD_KEY_TOKEN.split('.')[0])
  assert.equal(token.split('.')[1], 'aVW5BQ') // NOW + 5
})
