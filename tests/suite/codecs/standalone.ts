/**
 * Every built-in codec works on its own, outside a request, with one argument, as
 * starlette-session-middleware's codecs do: `await codec.encode(data)`, `await codec.decode(token)`.
 */
import assert from 'node:assert/strict'
import {
  type CodecBackend,
  DecodeError,
  djangoCodec,
  encryptedCodec,
  flaskCodec,
  jwtCodec,
  memoryStore,
  signedCodec,
  starletteCodec,
  storeCodec,
} from '../../../src/index.ts'
import { SECRET } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('codecs alone')

const CODECS: [string, () => CodecBackend, (data: Record<string, unknown>) => object][] = [
  ['signedCodec', () => signedCodec({ secrets: SECRET }), (data) => data],
  ['encryptedCodec', () => encryptedCodec({ secrets: SECRET }), (data) => data],
  ['jwtCodec', () => jwtCodec({ key: SECRET, algorithms: ['HS256'] }), (data) => data],
  ['starletteCodec', () => starletteCodec({ secretKey: 'a starlette secret' }), (data) => data],
  ['flaskCodec', () => flaskCodec({ secretKey: 'a flask secret' }), (data) => data],
  ['djangoCodec', () => djangoCodec({ secretKey: 'a django secret' }), (data) => data],
  ['storeCodec', () => storeCodec({ store: memoryStore(), secrets: SECRET }), (data) => data],
]

for (const [name, make, strip] of CODECS) {
  test(`${name}: decode(encode(data)) deep-equals data, with one argument each`, async () => {
    const codec = make()
    const data = { user: 'ada', cart: [{ sku: 'ü-1', qty: 2 }], flags: { admin: false } }
    const token = await codec.encode(data)
    assert.equal(typeof token, 'string')
    assert.deepEqual(strip(await codec.decode(token)), data)
    // A second codec built from the same options reads it too (a CLI beside the server).
    if (name !== 'storeCodec') assert.deepEqual(strip(await make().decode(token)), data)
    await assert.rejects(
      async () => codec.decode(`${token.slice(0, -2)}xx`),
      (error: unknown) => error instanceof DecodeError,
    )
  })
}

test('HMAC through node:crypto and through WebCrypto gives byte-identical tokens', async () => {
  const now = () => Date.UTC(2026, 0, 1)
  const data = { user: 'ada', n: [1, 2, 3] }
  const makers: [string, (webCrypto: boolean) => CodecBackend][] = [
    ['signedCodec', (webCrypto) => signedCodec({ secrets: SECRET, now, webCrypto })],
    [
      'starletteCodec',
      (webCrypto) => starletteCodec({ secretKey: 'a starlette secret', now, webCrypto }),
    ],
    ['flaskCodec', (webCrypto) => flaskCodec({ secretKey: 'a flask secret', now, webCrypto })],
    ['djangoCodec', (webCrypto) => djangoCodec({ secretKey: 'a django secret', now, webCrypto })],
  ]
  for (const [name, make] of makers) {
    const native = await make(false).encode(data)
    assert.equal(await make(true).encode(data), native, name)
    assert.deepEqual(await make(true).decode(native), await make(false).decode(native), name)
  }
})
