/** @module jwtCodec: the session is the claim set of a signed JWT (jose: HS, RS, PS, ES, EdDSA). */
import { CompactSign, compactVerify } from 'jose'
import type { SessionCodec } from '../backends.ts'
import { DecodeError } from '../errors.ts'
import { fromUtf8, utf8 } from '../lib/base64url.ts'
import { configError, optionsObject, secondsOption, toleranceOption } from '../lib/options.ts'
import { compactSegments, repeatsName } from './compact.ts'
import { defineCodec } from './define-codec.ts'
import { lowSToken } from './ecdsa-signature.ts'
import { jwsKeySet } from './jws-key-set.ts'
import {
  algorithmList,
  type CryptoKeyShape,
  type Jwk,
  type JwsAlgorithm,
  type JwtKey,
  type WebCryptoKey,
} from './jws-keys.ts'
import { NOT_A_CLAIM_SET, optionalList, readClaims, writeClaims } from './jwt-claims.ts'

export type { CryptoKeyShape, Jwk, JwsAlgorithm, JwtKey, WebCryptoKey }

const OWNER = 'jwtCodec'

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

/**
 * A stateless codec whose token is a compact JWS (RFC 7519 JWT): the session data is the claim
 * set, plus `iat` and `sst` (and `exp`, `iss`, `aud` when configured) on every token it issues;
 * `decode` gives the data back without them, while every claim of another issuer's token is data.
 * `sst`, the session start in seconds since the epoch, is a private claim: re-issues move `iat`
 * (and `exp` with `idleTimeout`), so neither tells when the session began. A token without `sst`
 * (from another issuer) started at its `iat`. `sma`, a session's own lifetime
 * (`session.setMaxAge`), is private too; other readers ignore both, and `exp` keeps its RFC 7519
 * meaning. Every deadline is exclusive: a token is refused at exactly `exp` (or
 * `iat + idleTimeout`), as jose and PyJWT refuse it; fractional times are compared with the
 * unrounded clock. Before jose sees a token it must have exactly
 * three canonical base64url segments, at most 40,960 characters, a JSON object header whose `alg`
 * is allowed, and only a configured key (by `kid` in a key set) ever verifies it: embedded `jwk`,
 * `jku`, `x5u` and `x5c` headers are ignored. A codec built with a public key verifies only; its
 * `encode` throws `ERR_SESSION_CONFIG`.
 *
 * @example
 * const codec = jwtCodec({ key: env.JWT_SECRET, algorithms: ['HS256'], issuer: 'https://auth.example.com', expiresIn: 8 * 3600, idleTimeout: 1800 })
 */
export function jwtCodec(options: JwtCodecOptions): SessionCodec {
  optionsObject(OWNER, options ?? null, {
    ...{ key: 1, keys: 1, algorithms: 1, issuer: 1, audience: 1, clockTolerance: 1 },
    ...{ clockSkew: 1, maxAge: 1, expiresIn: 1, idleTimeout: 1, now: 1, cache: 1 },
  })
  const algorithms = algorithmList(options.algorithms, OWNER)
  const keys = jwsKeySet(options.key, options.keys, algorithms, OWNER)
  const { signer } = keys
  if (options.maxAge !== undefined && options.expiresIn !== undefined) {
    configError(OWNER, 'takes maxAge or its former name expiresIn, not both')
  }
  const name = options.maxAge === undefined ? 'expiresIn' : 'maxAge'
  // No default absolute lifetime here: a JWT without maxAge has no exp of ours.
  const maxAge = secondsOption(OWNER, name, options.maxAge ?? options.expiresIn, true) ?? null
  const idle = secondsOption(OWNER, 'idleTimeout', options.idleTimeout) ?? undefined
  const rules = {
    absolute: maxAge,
    idle,
    issuers: optionalList(options.issuer, 'issuer', OWNER),
    audiences: optionalList(options.audience, 'audience', OWNER),
  }
  const rule = {
    leeway: toleranceOption(OWNER, options.clockTolerance, 0),
    skew: toleranceOption(OWNER, options.clockSkew, 5, 'clockSkew'),
    defaultMaxAge: null,
  }
  return defineCodec(
    {
      name: OWNER,
      reportsStart: true,
      // An ECDSA token with a high S is read as its low-S twin, so both spellings are one token.
      canonical(token) {
        const compact = compactSegments(token, 3, false)
        const spelled = compact && lowSToken(keys.header(compact.segments[0]!).alg as string, token)
        if (spelled === undefined) throw new DecodeError('malformed')
        return spelled
      },
      async open(token) {
        const { entry, alg } = keys.pick(token.slice(0, token.indexOf('.')))
        const key = entry.ready(alg, 'verify') ?? (await entry.cryptoKey(alg, 'verify'))
        let payload: Uint8Array
        try {
          ;({ payload } = await compactVerify(token, key, { algorithms: [alg] }))
        } catch (cause) {
          const code = (cause as { code?: unknown })?.code
          const reason =
            code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' ? 'signature' : 'malformed'
          throw new DecodeError(reason, undefined, { cause })
        }
        let text: string
        try {
          text = fromUtf8(payload)
        } catch (cause) {
          throw new DecodeError('malformed', NOT_A_CLAIM_SET, { cause })
        }
        if (repeatsName(text))
          throw new DecodeError('malformed', 'the JWT claim set repeats a name')
        // Verified by a key of the set other than the signing key: issued again under it.
        return { payload: text, key: entry === signer ? 0 : 1 }
      },
      // A codec with a public key only never renews a token it cannot issue.
      read: (text) => ({ ...readClaims(text, rules), renewable: signer.canSign }),
      async seal(data, stamp) {
        if (!signer.canSign) {
          configError(OWNER, 'has only a public key: it verifies tokens but cannot issue them')
        }
        const { claims, expires } = writeClaims(data, stamp, rules)
        const alg = signer.algorithms[0]!
        const header = signer.kid === undefined ? { alg } : { alg, kid: signer.kid }
        const payload = JSON.stringify(claims)
        const signed = await new CompactSign(utf8(payload))
          .setProtectedHeader(header)
          .sign(signer.ready(alg, 'sign') ?? (await signer.cryptoKey(alg, 'sign')))
        // WebCrypto picks S at random: issue the low-S spelling, the only one decode keeps.
        return { token: lowSToken(alg, signed) ?? signed, payload, expires }
      },
    },
    { maxAge, idleTimeout: idle, now: options.now, cache: options.cache, rule },
  )
}
