/**
 * The codecs under attack, each with the key material to forge its tokens as the server itself
 * would. Web APIs and node:assert only: this runs on Node, Bun, Deno and workerd.
 */
import type { CodecBackend, DecodeErrorReason, SessionStore } from '../../src/index.ts'
import {
  encryptedCodec,
  jwtCodec,
  memoryStore,
  signedCodec,
  starletteCodec,
  storeCodec,
} from '../../src/index.ts'
import {
  encryptedKey,
  fromBase64,
  hmac,
  intToBytes,
  openJwe,
  sealJwe,
  starletteKey,
  toBase64,
  toBase64url,
  utf8,
} from './crypto.ts'

export { encryptedKey, fromBase64, sealJwe, toBase64, toBase64url, utf8 } from './crypto.ts'
export { issued, type Outcome, probe, seen } from './probe.ts'

export const T0 = Date.UTC(2026, 0, 1)
export const NOW = T0 / 1000
export const K1 = 'a-test-secret-that-is-32-bytes-long!'
export const K2 = 'another-test-secret-of-32-bytes-or-more'
/** A secret nobody configured: what an attacker or another service holds. */
export const K3 = 'a-third-secret-that-nobody-configured!'
export const SECRETS: readonly string[] = [K1, K2, K3]

export type Encoding = 'base64url' | 'base64'

export interface KitOptions {
  now?: () => number
  /** Newest first. Default `[K1]`. */
  secrets?: readonly string[]
  /** Absolute lifetime in seconds (jwtCodec: `expiresIn`). */
  maxAge?: number
  idleTimeout?: number
  /** storeCodec: share one store between codecs. */
  store?: SessionStore
}

export interface Kit {
  name: string
  codec(options?: KitOptions): CodecBackend
  /** How each segment of a token is spelled. */
  encodings: Encoding[]
  /** The segment that carries the MAC or tag: respelling it must not need the key. */
  macSegment: number
  /** What a flipped bit in each segment is turned down as. */
  tamperReasons: DecodeErrorReason[][]
  /** The token over these segments with its MAC made again under `secret`. */
  resign(segments: string[], secret?: string): Promise<string>
  /** Stateless codecs: a token whose authenticated plaintext is exactly `plaintext`. */
  seal?(
    plaintext: string | Uint8Array<ArrayBuffer>,
    secret?: string,
    time?: number,
  ): Promise<string>
  /** Stateless codecs: the codec's plaintext around session data given as JSON text. */
  wrap?(dataJson: string, time?: number): string
}

const signed: Kit = {
  name: 'signedCodec',
  codec: (o = {}) =>
    signedCodec({
      secrets: [...(o.secrets ?? [K1])],
      now: o.now ?? (() => T0),
      maxAge: o.maxAge,
      idleTimeout: o.idleTimeout,
    }),
  encodings: ['base64url', 'base64url'],
  macSegment: 1,
  tamperReasons: [['signature'], ['signature']],
  async resign([payload], secret = K1) {
    return `${payload}.${toBase64url(await hmac('SHA-256', utf8(secret), payload!))}`
  },
  seal(plaintext, secret = K1) {
    const bytes = typeof plaintext === 'string' ? utf8(plaintext) : plaintext
    return this.resign([toBase64url(bytes)], secret)
  },
  wrap: (json, time = NOW) => `[${time},${time},${json}]`,
}

const jwt: Kit = {
  name: 'jwtCodec HS256',
  codec: (o = {}) => {
    const secrets = o.secrets ?? [K1]
    const keys =
      secrets.length > 1
        ? { keys: Object.fromEntries(secrets.map((s, i) => [`k${i}`, s])) }
        : { key: secrets[0]! }
    return jwtCodec({
      ...keys,
      algorithms: ['HS256'],
      now: o.now ?? (() => T0),
      expiresIn: o.maxAge,
    })
  },
  encodings: ['base64url', 'base64url', 'base64url'],
  macSegment: 2,
  tamperReasons: [['malformed', 'claim', 'signature'], ['signature'], ['signature']],
  async resign([header, payload], secret = K1) {
    const input = `${header}.${payload}`
    return `${input}.${toBase64url(await hmac('SHA-256', utf8(secret), input))}`
  },
  seal(plaintext, secret = K1) {
    const bytes = typeof plaintext === 'string' ? utf8(plaintext) : plaintext
    return this.resign([toBase64url(utf8('{"alg":"HS256"}')), toBase64url(bytes)], secret)
  },
  wrap: (json) => json,
}

const encrypted: Kit = {
  name: 'encryptedCodec',
  codec: (o = {}) =>
    encryptedCodec({
      secrets: [...(o.secrets ?? [K1])],
      now: o.now ?? (() => T0),
      maxAge: o.maxAge,
      idleTimeout: o.idleTimeout,
    }),
  encodings: ['base64url', 'base64url', 'base64url', 'base64url', 'base64url'],
  macSegment: 4,
  tamperReasons: [['malformed', 'signature'], [], ['signature'], ['signature'], ['signature']],
  async resign(segments, secret = K1) {
    const plaintext = await openJwe(segments, secret)
    const sealed = await sealJwe(segments[0]!, plaintext, secret, fromBase64(segments[2]!))
    // Only the tag changes: the other segments keep the spelling under test.
    return [...segments.slice(0, 4), sealed.split('.')[4]].join('.')
  },
  async seal(plaintext, secret = K1) {
    const { kid } = await encryptedKey(secret)
    const header = toBase64url(utf8(JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid })))
    return sealJwe(header, typeof plaintext === 'string' ? utf8(plaintext) : plaintext, secret)
  },
  wrap: (json, time = NOW) => `{"iat":${time},"sst":${time},"data":${json}}`,
}

const starlette: Kit = {
  name: 'starletteCodec',
  codec: (o = {}) =>
    starletteCodec({
      secretKey: [...(o.secrets ?? [K1])],
      now: o.now ?? (() => T0),
      maxAge: o.maxAge,
    }),
  encodings: ['base64', 'base64url', 'base64url'],
  macSegment: 2,
  tamperReasons: [['signature'], ['signature', 'malformed'], ['signature']],
  async resign([payload, time], secret = K1) {
    const value = `${payload}.${time}`
    return `${value}.${toBase64url(await hmac('SHA-1', await starletteKey(secret), value))}`
  },
  seal(plaintext, secret = K1, time = NOW) {
    const bytes = typeof plaintext === 'string' ? utf8(plaintext) : plaintext
    return this.resign([toBase64(bytes), toBase64url(intToBytes(time))], secret)
  },
  wrap: (json) => json,
}

const store: Kit = {
  name: 'storeCodec (tagged ids)',
  codec: (o = {}) =>
    storeCodec({
      store: o.store ?? memoryStore({ now: o.now ?? (() => T0) }),
      secrets: [...(o.secrets ?? [K1])],
      now: o.now ?? (() => T0),
      maxAge: o.maxAge,
      idleTimeout: o.idleTimeout,
    }),
  encodings: ['base64url', 'base64url'],
  macSegment: 1,
  tamperReasons: [['signature'], ['signature']],
  async resign([id], secret = K1) {
    return `${id}.${toBase64url(await hmac('SHA-256', utf8(secret), `fetch-session store id ${id}`))}`
  },
}

/** Every codec; the stateless ones carry their data in the token and can be sealed by hand. */
export const KITS: readonly Kit[] = [signed, jwt, encrypted, starlette, store]
export const STATELESS: readonly Kit[] = KITS.filter((kit) => kit.seal !== undefined)
