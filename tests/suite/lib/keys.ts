/**
 * Key caching: no codec imports a key per request, even with backends built per request (a
 * Workers `env`), and secrets of different types never share a key.
 */
import assert from 'node:assert/strict'
import {
  type CodecBackend,
  cookie,
  encryptedCodec,
  getSession,
  jwtCodec,
  memoryStore,
  signedCodec,
  starletteCodec,
  storeCodec,
  withSession,
} from '../../../src/index.ts'
import { nextCookie, OTHER_SECRET, request, SECRET } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('key cache')

/** Runs `body` with `crypto.subtle.importKey` counted; returns the count. */
async function countImports(body: () => Promise<void>): Promise<number> {
  const subtle = crypto.subtle as SubtleCrypto & { importKey: SubtleCrypto['importKey'] }
  const own = Object.getOwnPropertyDescriptor(subtle, 'importKey')
  const original = subtle.importKey
  let count = 0
  subtle.importKey = function (this: SubtleCrypto, ...args: unknown[]) {
    count++
    return (original as (...a: unknown[]) => Promise<CryptoKey>).apply(this, args)
  } as SubtleCrypto['importKey']
  assert.notEqual(subtle.importKey, original, 'importKey can be counted here')
  try {
    await body()
  } finally {
    if (own) Object.defineProperty(subtle, 'importKey', own)
    else delete (subtle as { importKey?: unknown }).importKey
  }
  return count
}

/** A configuration as a Workers `env` holds it: text, parsed again on every request. */
type Make = () => CodecBackend

async function configurations(): Promise<[string, Make][]> {
  const rsa = await crypto.subtle.generateKey(
    {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    true,
    ['sign', 'verify'],
  )
  const ec = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])
  const hmac = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, true, [
    'sign',
    'verify',
  ])
  const rsaJwk = JSON.stringify(await crypto.subtle.exportKey('jwk', rsa.privateKey))
  const ecJwk = JSON.stringify(await crypto.subtle.exportKey('jwk', ec.privateKey))
  const octJwk = JSON.stringify({ kty: 'oct', k: btoa(SECRET).replace(/=+$/, '') })
  const bytes = Array.from(new TextEncoder().encode(OTHER_SECRET))
  const store = memoryStore()
  return [
    ['signedCodec', () => signedCodec({ secrets: [SECRET, OTHER_SECRET] })],
    ['encryptedCodec', () => encryptedCodec({ secrets: [SECRET, OTHER_SECRET] })],
    ['starletteCodec', () => starletteCodec({ secretKey: [SECRET, 'short'] })],
    ['storeCodec with secrets', () => storeCodec({ store, secrets: [SECRET, OTHER_SECRET] })],
    ['jwtCodec, a secret string', () => jwtCodec({ key: SECRET, algorithms: ['HS256'] })],
    [
      'jwtCodec, secret bytes',
      () => jwtCodec({ key: new Uint8Array(bytes), algorithms: ['HS512'] }),
    ],
    ['jwtCodec, an HMAC CryptoKey', () => jwtCodec({ key: hmac, algorithms: ['HS256'] })],
    ['jwtCodec, an oct JWK', () => jwtCodec({ key: JSON.parse(octJwk), algorithms: ['HS256'] })],
    [
      'jwtCodec, an RSA private JWK',
      () => jwtCodec({ key: JSON.parse(rsaJwk), algorithms: ['RS256'] }),
    ],
    [
      'jwtCodec, an EC private JWK',
      () => jwtCodec({ key: JSON.parse(ecJwk), algorithms: ['ES256'] }),
    ],
    ['jwtCodec, a key pair', () => jwtCodec({ key: ec, algorithms: ['ES256'] })],
    [
      'jwtCodec, a private CryptoKey alone',
      () => jwtCodec({ key: rsa.privateKey, algorithms: ['RS256'] }),
    ],
    [
      'jwtCodec, a key set of JWKs',
      () =>
        jwtCodec({
          keys: [
            { ...JSON.parse(ecJwk), kid: 'new' },
            { ...JSON.parse(rsaJwk), kid: 'old' },
          ],
          algorithms: ['ES256', 'RS256'],
        }),
    ],
  ]
}

test('no codec imports a key after the first request, with backends built per request', async () => {
  const counts: Record<string, number[]> = {}
  for (const [name, make] of await configurations()) {
    const handler = withSession(
      async (req: Request) => {
        const session = await getSession<{ n?: number }>(req)
        session.set('n', (session.get('n') ?? 0) + 1)
        return new Response(String(session.get('n')))
      },
      () => ({ codec: make(), ...cookie() }),
    )
    // The cookie the first request brings was issued by the same configuration, earlier.
    let jar = nextCookie(await handler(request()))
    const perRequest: number[] = []
    for (let i = 0; i < 100; i++) {
      perRequest.push(
        await countImports(async () => {
          const response = await handler(request(jar))
          assert.equal(await response.text(), String(i + 2), `${name}: the session carries on`)
          jar = nextCookie(response, jar)
        }),
      )
    }
    counts[name] = [perRequest[0]!, perRequest.slice(1).reduce((a, b) => a + b, 0)]
  }
  const later = Object.fromEntries(Object.entries(counts).map(([name, [, n]]) => [name, n]))
  const none = Object.fromEntries(Object.keys(counts).map((name) => [name, 0]))
  assert.deepEqual(later, none, 'importKey calls in requests 2 to 100, by configuration')
})

test('a secret string and secret bytes that print alike never share a key', async () => {
  // Fresh numbers each run, so no earlier test has cached either key.
  const start = 1 + Math.floor(Math.random() * 200)
  const numbers = Array.from({ length: 32 }, (_, i) => start + i)
  const text = numbers.join(',')
  const bytes = new Uint8Array(numbers)
  // signedCodec imports an HMAC key from the text; jwtCodec then needs one from the bytes.
  await signedCodec({ secrets: text }).encode({ user: 'ada' })
  const token = await jwtCodec({ key: bytes, algorithms: ['HS256'] }).encode({ user: 'ada' })
  const [header, payload, signature] = token.split('.') as [string, string, string]
  const own = await crypto.subtle.importKey(
    'raw',
    bytes,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  )
  const mac = Uint8Array.from(atob(signature.replaceAll('-', '+').replaceAll('_', '/')), (c) =>
    c.charCodeAt(0),
  )
  const signed = new TextEncoder().encode(`${header}.${payload}`)
  assert.ok(
    await crypto.subtle.verify('HMAC', own, mac, signed),
    'the JWT is signed with the bytes, not with the text that prints like them',
  )
})
