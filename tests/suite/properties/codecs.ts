import assert from 'node:assert/strict'
import fc from 'fast-check'
import type { CodecBackend, SessionData } from '../../../src/index.ts'
import {
  cookie,
  cookieStorage,
  encryptedCodec,
  getSession,
  jwtCodec,
  memoryStore,
  signedCodec,
  starletteCodec,
  storeCodec,
  withSession,
} from '../../../src/index.ts'
import { readCookie } from '../../../src/transports/cookie-header.ts'
import { request, SECRET } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('properties')

/** Every codec whose tokens travel in a cookie; other codec suites add theirs here. */
export const cookieCodecs: [string, () => CodecBackend][] = [
  ['signedCodec', () => signedCodec({ secrets: SECRET })],
  ['encryptedCodec', () => encryptedCodec({ secrets: SECRET })],
  ['jwtCodec HS256', () => jwtCodec({ key: SECRET, algorithms: ['HS256'] })],
  ['starletteCodec', () => starletteCodec({ secretKey: SECRET })],
  ['storeCodec', () => storeCodec({ store: memoryStore(), secrets: SECRET })],
]

/**
 * JWT claims the codec sets or checks (sst and sma are its own, cnf its device binding): a JWT's
 * session data is its claim set.
 */
const REGISTERED = new Set(['iat', 'exp', 'nbf', 'iss', 'aud', 'sub', 'jti', 'sst', 'sma', 'cnf'])
const withoutClaims = (name: string, data: SessionData): SessionData =>
  name.startsWith('jwtCodec')
    ? Object.fromEntries(Object.entries(data).filter(([key]) => !REGISTERED.has(key)))
    : data

const RUNS = 200
const jsonObject = fc.dictionary(fc.string(), fc.jsonValue(), {
  maxKeys: 8,
}) as fc.Arbitrary<SessionData>
const nonAscii = fc.dictionary(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), {
  maxKeys: 4,
})
/** Strings shaped like tokens, plus arbitrary ones. */
const tokenish = fc.oneof(
  fc.string(),
  fc.stringMatching(/^[A-Za-z0-9_.=+/-]{0,200}$/),
  fc
    .array(fc.stringMatching(/^[A-Za-z0-9_-]{0,60}$/), { minLength: 1, maxLength: 6 })
    .map((parts) => parts.join('.')),
)

/** Reads the session a handler sees for a Cookie header. */
function reader(codec: CodecBackend) {
  return withSession(async (req: Request) => Response.json((await getSession(req)).toJSON()), {
    codec,
    ...cookie(),
  })
}

for (const [name, make] of cookieCodecs) {
  test(`${name}: decode(encode(x)) equals x for any JSON object, non-ASCII and large included`, async () => {
    const codec = make()
    const roundTrip = async (given: SessionData) => {
      const data = withoutClaims(name, given)
      const expected = JSON.parse(JSON.stringify(data))
      const decoded = await codec.decode(await codec.encode(data))
      assert.deepEqual(withoutClaims(name, decoded), expected)
    }
    await fc.assert(fc.asyncProperty(fc.oneof(jsonObject, nonAscii), roundTrip), { numRuns: RUNS })
    // Large: about 30 KB of token once Python's ensure_ascii has escaped it.
    await roundTrip({ big: 'é😀'.repeat(1000), list: Array.from({ length: 500 }, (_, i) => i) })
  })

  test(`${name}: any string as the cookie gives an empty session, never a throw`, async () => {
    const handler = reader(make())
    await fc.assert(
      fc.asyncProperty(tokenish, async (token) => {
        const value = token.replace(/[^\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]/g, '')
        const response = await handler(request(`session=${value}`))
        assert.deepEqual(await response.json(), {})
      }),
      { numRuns: RUNS },
    )
  })

  test(`${name}: a token we issued, changed in any one character, yields no data`, async () => {
    const codec = make()
    const handler = reader(codec)
    const token = await codec.encode({ user: 'ada', role: 'admin' })
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/'
    await fc.assert(
      fc.asyncProperty(fc.nat(token.length - 1), fc.constantFrom(...alphabet), async (at, char) => {
        fc.pre(token[at] !== char)
        const forged = token.slice(0, at) + char + token.slice(at + 1)
        const response = await handler(request(`session=${forged}`))
        assert.deepEqual(await response.json(), {})
      }),
      { numRuns: RUNS },
    )
  })
}

test('the Cookie parser reads back every name and value the Set-Cookie writer accepts', async () => {
  const name = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,20}$/)
  const value = fc.stringMatching(/^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]{1,100}$/)
  fc.assert(
    fc.property(name, value, fc.array(fc.tuple(name, value), { maxLength: 4 }), (n, v, others) => {
      const headers = new Headers()
      cookieStorage({ name: n, secure: true }).persist(headers, v, {})
      const pair = headers.get('set-cookie')!.split(';')[0]!
      const before = others.filter(([o]) => o !== n).map(([o, ov]) => `${o}=${ov}`)
      const header = [...before, pair].join('; ')
      const unquoted = v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v
      assert.equal(readCookie(header, n), unquoted)
    }),
    { numRuns: 500 },
  )
})
