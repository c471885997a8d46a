/** @module JWS algorithms and jwtCodec's keys: checked once, imported once. Internal. */
import { SessionError } from '../errors.ts'
import { decodeBase64url, utf8 } from '../lib/base64url.ts'
import {
  type CryptoKeyShape,
  cached,
  type HmacHash,
  hmacKey,
  type WebCryptoKey,
} from '../lib/keys.ts'

export type { CryptoKeyShape, WebCryptoKey }

type Params =
  | { name: 'HMAC'; hash: HmacHash }
  | { name: 'RSASSA-PKCS1-v1_5' | 'RSA-PSS'; hash: HmacHash }
  | { name: 'ECDSA'; namedCurve: string }
  | { name: 'Ed25519' }

interface AlgorithmInfo {
  kty: 'oct' | 'RSA' | 'EC' | 'OKP'
  crv?: string
  params: Params
}

const rsa = (name: 'RSASSA-PKCS1-v1_5' | 'RSA-PSS', hash: HmacHash): AlgorithmInfo => ({
  kty: 'RSA',
  params: { name, hash },
})
const ec = (crv: string): AlgorithmInfo => ({
  kty: 'EC',
  crv,
  params: { name: 'ECDSA', namedCurve: crv },
})
const ed25519: AlgorithmInfo = { kty: 'OKP', crv: 'Ed25519', params: { name: 'Ed25519' } }

/** The JWS algorithms jwtCodec accepts in its allow-list; `none` is never one of them. */
export type JwsAlgorithm = `${'HS' | 'RS' | 'PS' | 'ES'}${256 | 384 | 512}` | 'EdDSA' | 'Ed25519'

const ALGORITHMS: Record<JwsAlgorithm, AlgorithmInfo> = {
  HS256: { kty: 'oct', params: { name: 'HMAC', hash: 'SHA-256' } },
  HS384: { kty: 'oct', params: { name: 'HMAC', hash: 'SHA-384' } },
  HS512: { kty: 'oct', params: { name: 'HMAC', hash: 'SHA-512' } },
  RS256: rsa('RSASSA-PKCS1-v1_5', 'SHA-256'),
  RS384: rsa('RSASSA-PKCS1-v1_5', 'SHA-384'),
  RS512: rsa('RSASSA-PKCS1-v1_5', 'SHA-512'),
  PS256: rsa('RSA-PSS', 'SHA-256'),
  PS384: rsa('RSA-PSS', 'SHA-384'),
  PS512: rsa('RSA-PSS', 'SHA-512'),
  ES256: ec('P-256'),
  ES384: ec('P-384'),
  ES512: ec('P-521'),
  EdDSA: ed25519,
  Ed25519: ed25519,
}

/**
 * A JSON Web Key (RFC 7517): the members WebCrypto's `JsonWebKey` has, declared here so that the
 * types need no DOM library (Node, Bun and Workers type `JsonWebKey` differently, or not at all).
 */
export interface Jwk {
  kty?: string
  kid?: string
  alg?: string
  use?: string
  key_ops?: string[]
  ext?: boolean
  crv?: string
  k?: string
  n?: string
  e?: string
  d?: string
  p?: string
  q?: string
  dp?: string
  dq?: string
  qi?: string
  x?: string
  y?: string
}

/** A key as the application holds it. */
export type JwtKey =
  | string
  | Uint8Array
  | WebCryptoKey
  | { privateKey: WebCryptoKey; publicKey: WebCryptoKey }
  | Jwk

/** One configured key, checked once; CryptoKeys are imported on first use and then reused. */
export interface KeyEntry {
  kid: string | undefined
  /** The configured algorithms this key serves, in the configured order. */
  algorithms: readonly JwsAlgorithm[]
  /** False for a public key: such a codec verifies but cannot issue tokens. */
  canSign: boolean
  cryptoKey(alg: JwsAlgorithm, usage: 'sign' | 'verify'): Promise<WebCryptoKey>
  /** The key once imported, so the hot path skips an await. */
  ready(alg: JwsAlgorithm, usage: 'sign' | 'verify'): WebCryptoKey | undefined
}

const PUBLIC_MEMBERS = ['kty', 'crv', 'n', 'e', 'x', 'y'] as const
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const

export function isJwsAlgorithm(alg: unknown): alg is JwsAlgorithm {
  return typeof alg === 'string' && Object.hasOwn(ALGORITHMS, alg)
}

/** Checks one key against the allow-list. `kid` is the one the key set gives it, if any. */
export function keyEntry(
  input: unknown,
  kid: string | undefined,
  allowed: readonly JwsAlgorithm[],
  owner: string,
): KeyEntry {
  const fail = (message: string): never => {
    throw new SessionError('ERR_SESSION_CONFIG', `${owner} key${kid ? ` ${kid}` : ''}: ${message}`)
  }
  const fits = (test: (info: AlgorithmInfo, alg: JwsAlgorithm) => boolean) =>
    allowed.filter((alg) => test(ALGORITHMS[alg], alg))
  const cache = new Map<string, Promise<CryptoKey>>()
  const imported = new Map<string, CryptoKey>()
  const entry = (
    algorithms: JwsAlgorithm[],
    canSign: boolean,
    load: (alg: JwsAlgorithm, usage: 'sign' | 'verify') => Promise<CryptoKey>,
  ): KeyEntry => ({
    kid,
    algorithms,
    canSign,
    cryptoKey(alg, usage) {
      let key = cache.get(`${usage}:${alg}`)
      if (key === undefined) {
        key = load(alg, usage).then(
          (loaded) => {
            imported.set(`${usage}:${alg}`, loaded)
            return loaded
          },
          (cause) => {
            throw new SessionError('ERR_SESSION_CONFIG', `${owner}: a key failed to import`, {
              cause,
            })
          },
        )
        cache.set(`${usage}:${alg}`, key)
      }
      return key
    },
    ready: (alg, usage) => imported.get(`${usage}:${alg}`),
  })

  if (typeof input === 'string' || input instanceof Uint8Array) {
    const bytes = typeof input === 'string' ? utf8(input) : new Uint8Array(input)
    if (bytes.length === 0) fail('a secret must not be empty')
    return entry(
      fits((info) => info.kty === 'oct'),
      true,
      (alg) => hmacKey(bytes, (ALGORITHMS[alg].params as { hash: HmacHash }).hash),
    )
  }
  if (isCryptoKey(input) || isKeyPair(input)) {
    const pair = isCryptoKey(input) ? undefined : input
    const key = pair?.publicKey ?? (input as CryptoKey)
    if (pair && !sameAlgorithm(pair.privateKey, pair.publicKey)) fail('a key pair must match')
    const modulus = (key.algorithm as { modulusLength?: number }).modulusLength
    if (modulus !== undefined && modulus < 2048) fail('RSA keys must be 2048 bits or longer')
    const canSign = pair !== undefined || (key.type !== 'public' && key.usages.includes('sign'))
    if (key.type === 'private' && !key.extractable) {
      fail('a private CryptoKey alone must be extractable; pass { privateKey, publicKey }')
    }
    return entry(
      fits((info) => matches(key, info.params)),
      canSign,
      async (alg, usage) => {
        if (pair) return usage === 'sign' ? pair.privateKey : pair.publicKey
        if (usage === 'sign' || key.type !== 'private') return key
        return importJwk(
          pick(await exportJwk(key), PUBLIC_MEMBERS),
          ALGORITHMS[alg].params,
          'verify',
        )
      },
    )
  }
  if (typeof input !== 'object' || input === null) fail('must be a secret, CryptoKey or JWK')
  const jwk = input as Jwk
  if (jwk.use !== undefined && jwk.use !== 'sig') fail('JWK use must be sig')
  if (
    jwk.key_ops !== undefined &&
    !(Array.isArray(jwk.key_ops) && jwk.key_ops.some((op) => op === 'sign' || op === 'verify'))
  ) {
    fail('JWK key_ops must allow sign or verify')
  }
  if (jwk.alg !== undefined && !isJwsAlgorithm(jwk.alg)) fail('JWK alg is not a JWS algorithm')
  if (jwk.kty === 'oct') {
    const bytes = typeof jwk.k === 'string' ? decodeBase64url(jwk.k) : undefined
    if (bytes === undefined || bytes.length === 0) fail('JWK k must be non-empty base64url')
    return keyEntry(bytes, kid, jwk.alg ? allowed.filter((a) => a === jwk.alg) : allowed, owner)
  }
  const member = (name: 'n' | 'e' | 'x' | 'y' | 'crv') => typeof jwk[name] === 'string'
  const shape =
    jwk.kty === 'RSA'
      ? member('n') && member('e')
      : jwk.kty === 'EC'
        ? member('crv') && member('x') && member('y')
        : jwk.kty === 'OKP' && member('crv') && member('x')
  if (!shape) fail('JWK must be an oct, RSA, EC or OKP key with its public members')
  if (jwk.kty === 'RSA' && (decodeBase64url(jwk.n!)?.length ?? 0) * 8 < 2048) {
    fail('RSA keys must be 2048 bits or longer')
  }
  const isPrivate = typeof jwk.d === 'string'
  return entry(
    fits(
      (info, alg) =>
        info.kty === jwk.kty &&
        (info.crv === undefined || info.crv === jwk.crv) &&
        (jwk.alg === undefined || jwk.alg === alg),
    ),
    isPrivate,
    (alg, usage) =>
      importJwk(
        pick(jwk, usage === 'sign' ? [...PUBLIC_MEMBERS, ...PRIVATE_MEMBERS] : PUBLIC_MEMBERS),
        ALGORITHMS[alg].params,
        usage,
      ),
  )
}

/**
 * A JWK imported once per process for an algorithm and a usage, by a digest of its members: a
 * jwtCodec built per request (keys from a Workers `env`) imports nothing after the first.
 */
function importJwk(jwk: Jwk, params: Params, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  return cached(`jwk:${usage}:${JSON.stringify(params)}:${JSON.stringify(jwk)}`, () =>
    crypto.subtle.importKey('jwk', jwk as never, params, false, [usage]),
  )
}

/** The JWK of an extractable private CryptoKey, exported once per key object. */
const exported = new WeakMap<CryptoKey, Promise<Jwk>>()
function exportJwk(key: CryptoKey): Promise<Jwk> {
  let jwk = exported.get(key)
  if (jwk === undefined) {
    jwk = crypto.subtle.exportKey('jwk', key) as Promise<Jwk>
    exported.set(key, jwk)
    jwk.catch(() => exported.delete(key))
  }
  return jwk
}

/** A JWK with only the named members: no `alg`, `key_ops` or `ext` to contradict the import. */
function pick(jwk: Jwk, members: readonly string[]): Jwk {
  const out: Record<string, unknown> = {}
  for (const name of members) {
    const value = (jwk as Record<string, unknown>)[name]
    if (value !== undefined) out[name] = value
  }
  return out as Jwk
}

function matches(key: CryptoKey, params: Params): boolean {
  const algorithm = key.algorithm as { name: string; hash?: { name: string }; namedCurve?: string }
  if (algorithm.name !== params.name) return false
  if ('hash' in params) return algorithm.hash?.name === params.hash
  if ('namedCurve' in params) return algorithm.namedCurve === params.namedCurve
  return true
}

function sameAlgorithm(a: CryptoKey, b: CryptoKey): boolean {
  return JSON.stringify(a.algorithm) === JSON.stringify(b.algorithm)
}

function isCryptoKey(value: unknown): value is CryptoKey {
  return typeof CryptoKey === 'function' && value instanceof CryptoKey
}

function isKeyPair(value: unknown): value is CryptoKeyPair {
  const pair = value as CryptoKeyPair | null
  return (
    typeof pair === 'object' &&
    pair !== null &&
    isCryptoKey(pair.privateKey) &&
    isCryptoKey(pair.publicKey)
  )
}
