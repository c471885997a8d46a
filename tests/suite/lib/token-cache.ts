/**
 * The verified-token cache of every stateless codec and of storeCodec's tag: a hit skips the crypto
 * and nothing else. Crypto calls are counted on the WebCrypto path to tell a hit from a miss.
 */
import assert from 'node:assert/strict'
import {
  type CodecBackend,
  cookie,
  type DecodeError,
  encryptedCodec,
  jwtCodec,
  memoryStore,
  type SessionCodec,
  signedCodec,
  starletteCodec,
  storeCodec,
} from '../../../src/index.ts'
import { counter, OTHER_SECRET, request, SECRET } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('token cache')
const T0 = Date.UTC(2026, 0, 1)

interface Options {
  secrets: string[]
  now: () => number
  cache?: number | false
}

/** The clock and the store of one test: every codec built in it shares both. */
function world(now: () => number) {
  const store = memoryStore({ now })
  return (make: Maker, secrets: string[], cache?: number | false) =>
    make({ secrets, now, cache }, store)
}

type Maker = (options: Options, store: ReturnType<typeof memoryStore>) => SessionCodec

const CODECS: [string, Maker][] = [
  ['signedCodec', (o) => signedCodec({ ...o, maxAge: 600, webCrypto: true })],
  ['encryptedCodec', (o) => encryptedCodec({ ...o, maxAge: 600 })],
  [
    'jwtCodec',
    ({ secrets, now, cache }) =>
      jwtCodec({
        keys: Object.fromEntries(
          secrets.map((secret) => [secret === SECRET ? 'new' : 'old', secret]),
        ),
        algorithms: ['HS256'],
        maxAge: 600,
        now,
        cache,
      }),
  ],
  [
    'starletteCodec',
    ({ secrets, ...o }) =>
      starletteCodec({ secretKey: secrets, maxAge: 600, webCrypto: true, ...o }),
  ],
  ['storeCodec', (o, store) => storeCodec({ ...o, store, maxAge: 600, webCrypto: true })],
]

/** Counts the WebCrypto verify and decrypt calls `run` makes. */
async function cryptoCalls(run: () => Promise<unknown>): Promise<number> {
  const subtle = crypto.subtle
  const { verify, decrypt } = subtle
  let calls = 0
  subtle.verify = function (this: SubtleCrypto, ...args: Parameters<SubtleCrypto['verify']>) {
    calls++
    return verify.apply(this, args)
  } as SubtleCrypto['verify']
  subtle.decrypt = function (this: SubtleCrypto, ...args: Parameters<SubtleCrypto['decrypt']>) {
    calls++
    return decrypt.apply(this, args)
  } as SubtleCrypto['decrypt']
  try {
    await run()
  } finally {
    subtle.verify = verify
    subtle.decrypt = decrypt
  }
  return calls
}

async function reason(codec: CodecBackend, token: string): Promise<string> {
  try {
    await codec.decode(token)
    return 'valid'
  } catch (error) {
    return (error as DecodeError).reason
  }
}

for (const [name, make] of CODECS) {
  test(`${name}: an issued token is a hit; a hit hands out a copy of its own`, async () => {
    const build = world(() => T0)
    const codec = build(make, [SECRET])
    const token = await codec.encode({ cart: ['apple'] })
    const first = await codec.decode(token)
    ;(first.cart as string[]).push('pear')
    let second: Record<string, unknown> = {}
    const calls = await cryptoCalls(async () => {
      second = await codec.decode(token)
    })
    assert.equal(calls, 0, 'no crypto for a token the codec issued')
    assert.deepEqual(second.cart, ['apple'])
    const off = build(make, [SECRET], false)
    assert.equal(await cryptoCalls(() => off.decode(token)), 1, 'cache: false verifies every time')
  })

  test(`${name}: lifetimes apply on a hit exactly as on a miss`, async () => {
    let time = T0
    const codec = world(() => time)(make, [SECRET])
    const token = await codec.encode({ user: 'ada' })
    time = T0 - 60_000
    assert.equal(await reason(codec, token), 'future')
    time = T0 + 599_000
    assert.equal(await reason(codec, token), 'valid')
    time = T0 + (name === 'starletteCodec' ? 601_000 : 600_000)
    assert.equal(
      await cryptoCalls(async () => assert.equal(await reason(codec, token), 'expired')),
      0,
    )
  })

  test(`${name}: a token under an older secret is renewed on every hit, and leaves once replaced`, async () => {
    const build = world(() => T0)
    const old = await build(make, [OTHER_SECRET]).encode({ user: 'ada' })
    const rotated = build(make, [SECRET, OTHER_SECRET])
    const miss = await rotated.decodeSession(old)
    const hit = await rotated.decodeSession(old)
    assert.equal(miss.renew, true)
    assert.equal(hit.renew, true)
    await rotated.encodeSession(hit.data, { previous: hit, id: hit.id })
    if (name !== 'storeCodec') {
      // The replaced token is forgotten: verified again (and still valid) if it comes back.
      assert.ok((await cryptoCalls(() => rotated.decode(old))) > 0)
    }
  })

  test(`${name}: a tampered token never hits, and the cache holds at most its size`, async () => {
    const codec = world(() => T0)(make, [SECRET], 2)
    const tokens = [
      await codec.encode({ n: 1 }),
      await codec.encode({ n: 2 }),
      await codec.encode({ n: 3 }),
    ]
    const tampered = `${tokens[2]!.slice(0, -3)}AAA`
    assert.notEqual(await reason(codec, tampered), 'valid')
    assert.equal(await cryptoCalls(() => codec.decode(tokens[2]!)), 0)
    assert.equal(await cryptoCalls(() => codec.decode(tokens[0]!)), 1, 'the oldest was evicted')
  })
}

test('validAfter applies on a hit exactly as on a miss', async () => {
  let time = T0
  const codec = signedCodec({ secrets: SECRET, now: () => time })
  let cutOff: number | undefined
  const { handler, invalid } = counter({ codec, ...cookie() }, { validAfter: () => cutOff })
  const token = await codec.encode({ count: 2 })
  const read = async () =>
    (await handler(request(`session=${token}`, {}, 'http://localhost/read'))).text()
  assert.equal(await read(), '2')
  time += 10_000
  cutOff = time
  assert.equal(await read(), '0')
  assert.deepEqual(
    invalid.map((error) => error.reason),
    ['revoked'],
  )
})

test('the cache option is checked at construction', () => {
  for (const cache of [-1, 1.5, 2e6, 'big']) {
    assert.throws(
      () => signedCodec({ secrets: SECRET, cache: cache as number }),
      (error: unknown) => (error as { code?: string }).code === 'ERR_SESSION_CONFIG',
    )
  }
})
