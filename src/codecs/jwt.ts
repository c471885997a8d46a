/** @module jwtCodec: the session is the claim set of a signed JWT (jose: HS, RS, PS, ES, EdDSA). */
import { CompactSign, compactVerify } from 'jose'
import type { CodecBackend, CodecContext, SessionData } from '../backends.ts'
import { DecodeError, SessionError } from '../errors.ts'
import { decodeBase64url, utf8 } from '../lib/base64url.ts'
import { compactSegments, parseJsonObject } from '../lib/compact.ts'
import {
  algorithmList,
  type JwsAlgorithm,
  type JwtKey,
  type KeyEntry,
  keyEntry,
} from '../lib/jws-keys.ts'
import { lifetime } from '../lib/lifetime.ts'

export type { JwsAlgorithm, JwtKey }

export interface JwtCodecOptions {
  /**
   * One key: a secret (string or bytes), a CryptoKey, a `{ privateKey, publicKey }` pair or a JWK.
   * When it has a `kid` (a JWK's), a token that names another kid is refused.
   */
  key?: JwtKey
  /** A key set chosen by the token's `kid`: JWKs with `kid`, or a record kid → key. The first signs. */
  keys?: readonly (JsonWebKey & { kid: string })[] | Readonly<Record<string, JwtKey>>
  /** The allow-list; the first one the signing key fits signs. `none` is never accepted. */
  algorithms: readonly JwsAlgorithm[]
  /** Required `iss`; a list accepts any of them, and tokens we issue carry the first. */
  issuer?: string | readonly string[]
  /** Required `aud` (one must match); tokens we issue carry the first. */
  audience?: string | readonly string[]
  /** Seconds of leeway for `exp`, `nbf` and `iat`. Default 0. */
  clockTolerance?: number
  /** Absolute lifetime in seconds: tokens get `exp` = session start + expiresIn, and must carry one. */
  expiresIn?: number
  /**
   * Inactivity limit in seconds: a token whose `iat` (its last issue) is idleTimeout old is refused
   * with reason `idle`, and one past half the window is issued again, even unchanged. Tokens get
   * `exp` = min(start + expiresIn, iat + idleTimeout) and the session start in claim `sst`.
   */
  idleTimeout?: number
  /** The clock, in milliseconds like `Date.now`. */
  now?: () => number
}

/** Set when the signature verified but the payload is not a claim set, so the cause stays visible. */
const NOT_A_CLAIM_SET = 'the JWT payload is not a JSON object'
const HEADER_CACHE = 32

/**
 * A stateless codec whose token is a compact JWS (RFC 7519 JWT): the session data is the claim
 * set, plus `iat` (and `exp`, `sst`, `iss`, `aud` when configured) on every token it issues.
 * `sst`, the session start in seconds since the epoch, is a private claim written only with
 * `idleTimeout`, since re-issues then move `exp`; other readers ignore it, and `exp` keeps its
 * RFC 7519 meaning. Every deadline is exclusive: a token is refused at exactly `exp` (or
 * `iat + idleTimeout`), as jose and PyJWT refuse it. Before jose sees a token it must have exactly
 * three canonical base64url segments, at most 40,960 characters, a JSON object header whose `alg`
 * is allowed, and only a configured key (by `kid` in a key set) ever verifies it: embedded `jwk`,
 * `jku`, `x5u` and `x5c` headers are ignored. A codec built with a public key verifies only; its
 * `encode` throws `ERR_SESSION_CONFIG`.
 *
 * @example
 * const codec = jwtCodec({ key: env.JWT_SECRET, algorithms: ['HS256'], issuer: 'https://auth.example.com', expiresIn: 8 * 3600, idleTimeout: 1800 })
 */
export function jwtCodec(options: JwtCodecOptions): CodecBackend {
  const owner = 'jwtCodec'
  const fail = (message: string): never => {
    throw new SessionError('ERR_SESSION_CONFIG', `${owner} ${message}`)
  }
  if (typeof options !== 'object' || options === null) fail('needs options')
  const algorithms = algorithmList(options.algorithms, owner)
  const { key, keys, clockTolerance = 0, expiresIn, idleTimeout } = options
  if ((key === undefined) === (keys === undefined)) fail('needs either key or keys')
  const set = new Map<string, KeyEntry>()
  let single: KeyEntry | undefined
  if (key !== undefined) {
    const jwkKid = (key as { kid?: unknown }).kid
    single = keyEntry(key, typeof jwkKid === 'string' ? jwkKid : undefined, algorithms, owner)
    if (single.algorithms.length !== algorithms.length)
      fail('lists an algorithm its key cannot use')
  } else {
    const list: [string, unknown][] = Array.isArray(keys)
      ? keys.map((jwk) => [(jwk as { kid?: string })?.kid as string, jwk])
      : typeof keys === 'object' && keys !== null
        ? Object.entries(keys)
        : []
    for (const [kid, input] of list) {
      if (typeof kid !== 'string' || kid === '' || set.has(kid)) fail('keys need distinct kids')
      const entry = keyEntry(input, kid, algorithms, owner)
      if (entry.algorithms.length === 0) fail(`key ${kid} fits none of the algorithms`)
      set.set(kid, entry)
    }
    if (set.size === 0) fail('needs a non-empty key set')
    for (const alg of algorithms) {
      if (![...set.values()].some((entry) => entry.algorithms.includes(alg))) {
        fail(`has no key for ${alg}`)
      }
    }
  }
  const signer = single ?? set.values().next().value!
  const issuers = optionalList(options.issuer, 'issuer', fail)
  const audiences = optionalList(options.audience, 'audience', fail)
  if (!Number.isFinite(clockTolerance) || clockTolerance < 0) fail('clockTolerance must be >= 0')
  const seconds = (value: number | undefined) =>
    value === undefined || (Number.isFinite(value) && value >= 1)
  if (!seconds(expiresIn)) fail('expiresIn must be a positive number of seconds')
  if (!seconds(idleTimeout)) fail('idleTimeout must be a positive number of seconds')
  if (options.now !== undefined && typeof options.now !== 'function') fail('now must be a function')
  const absolute = expiresIn === undefined ? undefined : Math.floor(expiresIn)
  const idle = idleTimeout === undefined ? undefined : Math.floor(idleTimeout)
  // No default absolute lifetime here: a JWT without expiresIn has no exp, as before.
  const span = lifetime({ maxAge: absolute ?? null, idleTimeout: idle, now: options.now }, owner)
  const headers = new Map<string, Record<string, unknown>>()

  return {
    async encode(data: SessionData, context: CodecContext): Promise<string> {
      if (!signer.canSign) fail('has only a public key: it verifies tokens but cannot issue them')
      const now = span.now()
      const created = Math.min(
        context.created === undefined ? now : Math.floor(context.created / 1000),
        now,
      )
      const claims: SessionData = { ...data, iat: now }
      // With idleTimeout, exp moves on each re-issue and no longer tells when the session began.
      if (idle !== undefined) claims.sst = created
      const remaining = span.remaining(created, now)
      if (remaining !== undefined) claims.exp = now + remaining
      if (issuers) claims.iss = issuers[0]
      if (audiences) claims.aud = audiences[0]
      const alg = signer.algorithms[0]!
      const header = signer.kid === undefined ? { alg } : { alg, kid: signer.kid }
      const token = await new CompactSign(utf8(JSON.stringify(claims)))
        .setProtectedHeader(header)
        .sign(signer.ready(alg, 'sign') ?? (await signer.cryptoKey(alg, 'sign')))
      context.created = created * 1000
      const exp = claims.exp
      context.maxAge = typeof exp === 'number' ? Math.max(0, Math.floor(exp - now)) : undefined
      return token
    },

    async decode(token: string, context: CodecContext): Promise<SessionData> {
      const compact = compactSegments(token, 3, false)
      if (compact === undefined) throw new DecodeError('malformed')
      const segment = compact.segments[0]!
      let header = headers.get(segment)
      if (header === undefined) {
        header = parseJsonObject(decodeBase64url(segment)!)
        if (header === undefined) throw new DecodeError('malformed')
        if (!algorithms.includes(header.alg as JwsAlgorithm)) throw new DecodeError('claim')
        // Tokens of one issuer share a header: parse each once (bounded, oldest out first).
        if (headers.size >= HEADER_CACHE) headers.delete(headers.keys().next().value!)
        headers.set(segment, header)
      }
      const { alg, kid } = header
      if (kid !== undefined && typeof kid !== 'string') throw new DecodeError('malformed')
      const entry = single ?? (kid === undefined ? undefined : set.get(kid))
      if (
        entry === undefined ||
        (kid !== undefined && entry.kid !== undefined && kid !== entry.kid)
      ) {
        throw new DecodeError('signature')
      }
      if (!entry.algorithms.includes(alg as JwsAlgorithm)) throw new DecodeError('claim')
      const cryptoKey =
        entry.ready(alg as JwsAlgorithm, 'verify') ??
        (await entry.cryptoKey(alg as JwsAlgorithm, 'verify'))
      let payload: Uint8Array
      try {
        ;({ payload } = await compactVerify(token, cryptoKey, { algorithms: [alg as string] }))
      } catch (cause) {
        const code = (cause as { code?: unknown })?.code
        throw new DecodeError(
          code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' ? 'signature' : 'malformed',
          undefined,
          { cause },
        )
      }
      const claims = parseJsonObject(payload)
      if (claims === undefined) throw new DecodeError('malformed', NOT_A_CLAIM_SET)
      const now = span.now()
      const { exp, nbf, iat } = claims
      // Without idleTimeout, `sst` is not ours: it stays plain data, as in tokens issued before.
      const sst = idle === undefined ? undefined : claims.sst
      for (const time of [exp, nbf, iat, sst]) {
        if (time !== undefined && (typeof time !== 'number' || !Number.isFinite(time))) {
          throw new DecodeError('malformed')
        }
      }
      // Exclusive like exp, so that our verdict on our own tokens is the one exp gives elsewhere.
      const past = (deadline: number) => deadline <= now - clockTolerance
      if (typeof sst === 'number' && absolute !== undefined && past(sst + absolute)) {
        throw new DecodeError('expired')
      }
      if (typeof iat === 'number' && idle !== undefined && past(iat + idle)) {
        throw new DecodeError('idle')
      }
      if (typeof exp === 'number' && past(exp)) throw new DecodeError('expired')
      if (typeof nbf === 'number' && nbf > now + clockTolerance) throw new DecodeError('future')
      if (typeof iat === 'number' && iat > now + clockTolerance) throw new DecodeError('future')
      if (typeof sst === 'number' && typeof iat === 'number' && sst > iat) {
        throw new DecodeError('future')
      }
      if (absolute !== undefined && exp === undefined) throw new DecodeError('claim')
      if (idle !== undefined && iat === undefined) throw new DecodeError('claim')
      if (issuers && !issuers.includes(claims.iss as string)) throw new DecodeError('claim')
      if (!audienceMatches(claims.aud, audiences)) throw new DecodeError('claim')
      // Tokens from before idleTimeout was turned on carry no sst: fall back as they always did.
      const start =
        typeof sst === 'number'
          ? sst
          : typeof exp === 'number' && absolute !== undefined
            ? exp - absolute
            : typeof iat === 'number'
              ? iat
              : now
      context.created = Math.floor(Math.min(start, now)) * 1000
      const due = idle !== undefined && (now - (iat as number)) * 2 >= idle
      // Due, or verified by an older key of the set: issue it again under the signing key.
      context.renew = signer.canSign && (due || entry !== signer)
      return claims
    },
  }
}

/**
 * RFC 7519 §4.1.3 (and PyJWT): with an audience configured, one of the token's must match; without
 * one, a token that names an audience is not for us. An empty `aud` counts as none.
 */
function audienceMatches(aud: unknown, audiences: readonly string[] | undefined): boolean {
  const empty =
    aud === undefined || aud === null || aud === '' || (Array.isArray(aud) && !aud.length)
  if (audiences === undefined) return empty
  if (empty) return false
  const list = typeof aud === 'string' ? [aud] : aud
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) return false
  return list.some((item) => audiences.includes(item))
}

function optionalList(
  value: unknown,
  name: string,
  fail: (message: string) => never,
): readonly string[] | undefined {
  if (value === undefined) return undefined
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === 'string' && v)) {
    return fail(`${name} must be a non-empty string or list of strings`)
  }
  return list
}
