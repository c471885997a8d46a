/** @module jwtCodec: the session is the claim set of a signed JWT (jose: HS, RS, PS, ES, EdDSA). */
import { CompactSign, compactVerify } from 'jose'
import type { SessionCodec } from '../backends.ts'
import { DecodeError } from '../errors.ts'
import { fromUtf8, utf8 } from '../lib/base64url.ts'
import { configError } from '../lib/options.ts'
import { compactSegments, repeatsName } from './compact.ts'
import { defineCodec } from './define-codec.ts'
import { lowSToken } from './ecdsa-signature.ts'
import type { CryptoKeyShape, Jwk, JwsAlgorithm, JwtKey, WebCryptoKey } from './jws-keys.ts'
import { NOT_A_CLAIM_SET, readClaims, writeClaims } from './jwt-claims.ts'
import { type JwtCodecOptions, jwtOptions } from './jwt-options.ts'

export type { CryptoKeyShape, Jwk, JwsAlgorithm, JwtCodecOptions, JwtKey, WebCryptoKey }

const OWNER = 'jwtCodec'

/**
 * A stateless codec whose token is a compact JWS (RFC 7519 JWT): the session data is the claim
 * set, plus `iat` and `sst` (and `exp`, `iss`, `aud` when configured) on every token it issues;
 * `decode` gives the data back without them, while every claim of another issuer's token is data.
 * `sst`, the session start in seconds since the epoch, is a private claim: re-issues move `iat`
 * (and `exp` with `idleTimeout`), so neither tells when the session began. A token without `sst`
 * (from another issuer) started at its `iat`. `sma`, a session's own lifetime
 * (`session.setMaxAge`), is private too, and so is `cnf` (RFC 7800) on a device-bound session; other readers ignore both, and `exp` keeps its RFC 7519
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
  const { keys, rules, kernel } = jwtOptions(options)
  const { signer } = keys
  return defineCodec(
    {
      name: OWNER,
      reportsStart: true,
      carriesBinding: true,
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
    kernel,
  )
}
