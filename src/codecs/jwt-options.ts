/** @module jwtCodec's options: declared once, checked once, with what they build. Internal. */
import type { LifetimeRule } from '../lib/lifetime.ts'
import {
  checkOptions,
  clockRule,
  configError,
  isPlainObject,
  laterRule,
  type OptionRule,
  optional,
  secondsRule,
  toleranceRule,
} from '../lib/options.ts'
import { cacheRule } from '../lib/token-cache.ts'
import { type JwsKeySet, jwsKeySet } from './jws-key-set.ts'
import { isJwsAlgorithm, type Jwk, type JwsAlgorithm, type JwtKey } from './jws-keys.ts'
import type { ClaimRules } from './jwt-claims.ts'

export interface JwtCodecOptions {
  /**
   * One key: a secret (string or bytes), a CryptoKey, a `{ privateKey, publicKey }` pair or a JWK.
   * When it has a `kid` (a JWK's), a token that names another kid is refused.
   */
  key?: JwtKey
  /** A key set chosen by the token's `kid`: JWKs with `kid`, or a record kid → key. The first signs. */
  keys?: readonly (Jwk & { kid: string })[] | Readonly<Record<string, JwtKey>>
  /** The allow-list; the first one the signing key fits signs. `none` is never accepted. */
  algorithms: readonly JwsAlgorithm[]
  /** Required `iss`; a list accepts any of them, and tokens we issue carry the first. */
  issuer?: string | readonly string[]
  /** Required `aud` (one must match); tokens we issue carry the first. */
  audience?: string | readonly string[]
  /**
   * Seconds of leeway, as jose's `clockTolerance` and PyJWT's `leeway`: `exp` (and every deadline)
   * is extended by it, `nbf` and `iat` forgiven by it. Default 0: a token is refused at exactly its
   * `exp`, and one whose `nbf` is a second ahead is refused.
   */
  clockTolerance?: number
  /**
   * Seconds the codec's own bookkeeping times (the `iat` and session start `sst` it wrote) may lie
   * ahead of this server's clock, for skew between servers that share the key. Default 5.
   */
  clockSkew?: number
  /**
   * Absolute lifetime in whole seconds: tokens get `exp` = session start + maxAge, and must carry
   * one. Default: none (tokens without `exp`), unlike the other codecs.
   */
  maxAge?: number | null
  /** The former name of `maxAge`, still accepted. */
  expiresIn?: number
  /**
   * Inactivity limit in seconds: a token whose `iat` (its last issue) is idleTimeout old is refused
   * with reason `idle`, and one past half the window is issued again, even unchanged. Tokens get
   * `exp` = min(start + expiresIn, iat + idleTimeout) and the session start in claim `sst`.
   */
  idleTimeout?: number
  /** The clock, in milliseconds like `Date.now`. */
  now?: () => number
  /**
   * How many verified tokens this codec keeps, so a token seen before costs no signature check
   * (default 1000, at most 2 KiB each; `false` for none). Every claim is judged on a hit as on a miss.
   */
  cache?: number | false
}

const OWNER = 'jwtCodec'

/** The `algorithms` option: a non-empty allow-list of known algorithms, never `none`. */
const algorithmsRule: OptionRule<JwsAlgorithm[]> = (list, fail) => {
  if (!Array.isArray(list) || list.length === 0) fail('must be a non-empty list')
  for (const alg of list as unknown[]) {
    if (typeof alg === 'string' && alg.toLowerCase() === 'none') fail('lists none: never accepted')
    if (!isJwsAlgorithm(alg)) {
      fail('lists one it does not know (HS256/384/512, RS/PS/ES 256/384/512, EdDSA, Ed25519)')
    }
  }
  return [...new Set(list as JwsAlgorithm[])]
}

/** `issuer` and `audience`: a non-empty string or list of strings. */
const namesRule: OptionRule<readonly string[] | undefined> = optional((value, fail) => {
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === 'string' && v)) {
    fail('must be a non-empty string or list of strings')
  }
  return list as string[]
})

const JWT_OPTIONS = {
  // Each key is checked against the algorithms once they are known, by the key set.
  key: laterRule<JwtKey | undefined>(),
  keys: optional((value, fail) => {
    if (!Array.isArray(value) && !isPlainObject(value)) {
      fail('must be a list of JWKs with kid, or a record from kid to key')
    }
    return value as NonNullable<JwtCodecOptions['keys']>
  }),
  algorithms: algorithmsRule,
  issuer: namesRule,
  audience: namesRule,
  clockTolerance: toleranceRule(0),
  clockSkew: toleranceRule(5),
  maxAge: secondsRule({ nullable: true }),
  expiresIn: secondsRule() as OptionRule<number | undefined>,
  idleTimeout: secondsRule() as OptionRule<number | undefined>,
  now: clockRule,
  cache: cacheRule,
}

/** jwtCodec's options, checked: its keys, its claim rules and what the kernel takes. */
export interface JwtSetup {
  keys: JwsKeySet
  rules: ClaimRules
  kernel: {
    maxAge: number | null
    idleTimeout: number | undefined
    now: () => number
    cache: number
    rule: LifetimeRule
  }
}

/** Checks jwtCodec's options and builds what they describe; throws `ERR_SESSION_CONFIG`. */
export function jwtOptions(options: unknown): JwtSetup {
  const checked = checkOptions(OWNER, options ?? null, JWT_OPTIONS)
  const keys = jwsKeySet(checked.key, checked.keys, checked.algorithms, OWNER)
  if (checked.maxAge !== undefined && checked.expiresIn !== undefined) {
    configError(OWNER, 'takes maxAge or its former name expiresIn, not both')
  }
  // No default absolute lifetime here: a JWT without maxAge has no exp of ours.
  const maxAge = checked.maxAge ?? checked.expiresIn ?? null
  const idle = checked.idleTimeout
  const rules = { absolute: maxAge, idle, issuers: checked.issuer, audiences: checked.audience }
  const rule = { leeway: checked.clockTolerance, skew: checked.clockSkew, defaultMaxAge: null }
  return {
    keys,
    rules,
    kernel: { maxAge, idleTimeout: idle, now: checked.now, cache: checked.cache, rule },
  }
}
