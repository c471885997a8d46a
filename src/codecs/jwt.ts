/** @module jwtCodec: the session is the claim set of a signed JWT (jose: HS, RS, PS, ES, EdDSA). */
import { CompactSign, compactVerify } from 'jose'
import type { DecodedSession, EncodedSession, SessionData, SessionWrite } from '../backends.ts'
import { DecodeError } from '../errors.ts'
import { decodeBase64url, fromUtf8, utf8 } from '../lib/base64url.ts'
import { type SessionCodec, sessionCodec } from '../lib/codec.ts'
import { isSessionMaxAge, lifetime } from '../lib/lifetime.ts'
import { configError, optionsObject, secondsOption } from '../lib/options.ts'
import { tokenCache } from '../lib/token-cache.ts'
import { compactSegments, parseJsonObject, parseJsonText, repeatsName } from './compact.ts'
import { lowSToken } from './ecdsa-signature.ts'
import {
  algorithmList,
  type CryptoKeyShape,
  type Jwk,
  type JwsAlgorithm,
  type JwtKey,
  type KeyEntry,
  keyEntry,
  type WebCryptoKey,
} from './jws-keys.ts'

export type { CryptoKeyShape, Jwk, JwsAlgorithm, JwtKey, WebCryptoKey }

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
   * Seconds that `iat`, `nbf` and the session start may lie ahead of this server's clock (skew
   * between servers). Default 5. `exp` is exact: a token is refused at exactly its `exp`.
   */
  clockTolerance?: number
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

interface Verified {
  /** The claim set as JSON text. */
  text: string
  /** Verified by a key of the set other than the signing key. */
  rotated: boolean
}

/** Set when the signature verified but the payload is not a claim set, so the cause stays visible. */
const NOT_A_CLAIM_SET = 'the JWT payload is not a JSON object'
const HEADER_CACHE = 32

/**
 * A stateless codec whose token is a compact JWS (RFC 7519 JWT): the session data is the claim
 * set, plus `iat` and `sst` (and `exp`, `iss`, `aud` when configured) on every token it issues.
 * `sst`, the session start in seconds since the epoch, is a private claim: re-issues move `iat`
 * (and `exp` with `idleTimeout`), so neither tells when the session began. A token without `sst`
 * (from another issuer) started at its `iat`; without `iat` the start is unknown. `sma`, a
 * session's own lifetime (`session.setMaxAge`), is private too; other readers ignore both, and
 * `exp` keeps its RFC 7519 meaning. Every deadline is exclusive: a token is refused at exactly
 * `exp` (or `iat + idleTimeout`), as jose and PyJWT refuse it; fractional times are compared with
 * the unrounded clock. Before jose sees a token it must have exactly three canonical base64url
 * segments, at most 40,960 characters, a JSON object header whose `alg` is allowed and that names
 * no member twice, and an ECDSA signature with r and s in range (a high S is read as its low-S
 * twin; tokens we issue are low-S); only a configured key (by `kid` in a key set) ever verifies
 * it: embedded `jwk`, `jku`, `x5u` and `x5c` headers are ignored. A codec built with a public key
 * verifies only; its `encode` throws `ERR_SESSION_CONFIG`.
 *
 * @example
 * const codec = jwtCodec({ key: env.JWT_SECRET, algorithms: ['HS256'], issuer: 'https://auth.example.com', expiresIn: 8 * 3600, idleTimeout: 1800 })
 */
export function jwtCodec(options: JwtCodecOptions): SessionCodec {
  const owner = 'jwtCodec'
  const fail = (message: string): never => configError(owner, message)
  optionsObject(owner, options ?? null, {
    key: 1,
    keys: 1,
    algorithms: 1,
    issuer: 1,
    audience: 1,
    clockTolerance: 1,
    maxAge: 1,
    expiresIn: 1,
    idleTimeout: 1,
    now: 1,
    cache: 1,
  })
  const algorithms = algorithmList(options.algorithms, owner)
  const { key, keys } = options
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
  if (options.maxAge !== undefined && options.expiresIn !== undefined) {
    fail('takes maxAge or its former name expiresIn, not both')
  }
  const maxAge = secondsOption(
    owner,
    options.maxAge === undefined ? 'expiresIn' : 'maxAge',
    options.maxAge ?? options.expiresIn,
    true,
  )
  // No default absolute lifetime here: a JWT without maxAge has no exp, as before.
  const span = lifetime({ ...options, maxAge: maxAge ?? null }, owner, null)
  const idle = span.idleTimeout
  const tolerance = span.tolerance
  const headers = new Map<string, Record<string, unknown>>()

  const cache = tokenCache<Verified>(owner, options.cache, (v) => v.text.length)

  /**
   * The claim set of a token whose signature checks out, whether an older key made it, and the
   * token in its one spelling (the key of the cache).
   */
  async function verify(presented: string): Promise<[Verified, string]> {
    // Only tokens in their one spelling are ever cached: a respelled one cannot hit here.
    const hit = cache?.get(presented)
    if (hit !== undefined) return [hit, presented]
    const compact = compactSegments(presented, 3, false)
    if (compact === undefined) throw new DecodeError('malformed')
    const segment = compact.segments[0]!
    let header = headers.get(segment)
    if (header === undefined) {
      header = parseJsonObject(decodeBase64url(segment)!, true)
      if (header === undefined) throw new DecodeError('malformed')
      if (!algorithms.includes(header.alg as JwsAlgorithm)) throw new DecodeError('claim')
      // Tokens of one issuer share a header: parse each once (bounded, oldest out first).
      if (headers.size >= HEADER_CACHE) headers.delete(headers.keys().next().value!)
      headers.set(segment, header)
    }
    const { alg, kid } = header
    if (kid !== undefined && typeof kid !== 'string') throw new DecodeError('malformed')
    // An ECDSA token with a high S is read as its low-S twin, so both spellings are one token.
    const token = lowSToken(alg as string, presented)
    if (token === undefined) throw new DecodeError('malformed')
    if (token !== presented) {
      const twin = cache?.get(token)
      if (twin !== undefined) return [twin, token]
    }
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
    let text: string
    try {
      text = fromUtf8(payload)
    } catch (cause) {
      throw new DecodeError('malformed', NOT_A_CLAIM_SET, { cause })
    }
    if (repeatsName(text)) throw new DecodeError('malformed', 'the JWT claim set repeats a name')
    const verified = { text, rotated: entry !== signer }
    cache?.set(token, verified)
    return [verified, token]
  }

  return sessionCodec({
    reportsStart: true,
    async encodeSession(data: SessionData, write: SessionWrite): Promise<EncodedSession> {
      if (!signer.canSign) fail('has only a public key: it verifies tokens but cannot issue them')
      const now = span.stamp()
      const started = Math.min(write.previous?.started ?? now, now)
      const claims: SessionData = { ...data, iat: now, sst: started }
      if (write.maxAge !== undefined) claims.sma = write.maxAge
      else delete claims.sma
      const remaining = span.remaining(started, now, write.maxAge)
      if (remaining !== undefined) claims.exp = now + remaining
      if (issuers) claims.iss = issuers[0]
      if (audiences) claims.aud = audiences[0]
      const alg = signer.algorithms[0]!
      const header = signer.kid === undefined ? { alg } : { alg, kid: signer.kid }
      const payload = JSON.stringify(claims)
      const signed = await new CompactSign(utf8(payload))
        .setProtectedHeader(header)
        .sign(signer.ready(alg, 'sign') ?? (await signer.cryptoKey(alg, 'sign')))
      // WebCrypto picks S at random: issue the low-S spelling, the only one decode keeps.
      const token = lowSToken(alg, signed) ?? signed
      if (cache !== undefined) {
        // The token replaced goes; the one issued comes in as verified.
        if (typeof write.previous?.state === 'string') cache.delete(write.previous.state)
        cache.set(token, { text: payload, rotated: false })
      }
      return { token, started, maxAge: remaining }
    },

    async decodeSession(token: string): Promise<DecodedSession> {
      const [{ text, rotated }, canonical] = await verify(token)
      const claims = parseJsonText(text)
      if (claims === undefined) throw new DecodeError('malformed', NOT_A_CLAIM_SET)
      const now = span.now()
      const { exp, nbf, iat, sst, sma } = claims
      for (const time of [exp, nbf, iat, sst]) {
        if (time !== undefined && (typeof time !== 'number' || !Number.isFinite(time))) {
          throw new DecodeError('malformed')
        }
      }
      if (!isSessionMaxAge(sma)) throw new DecodeError('malformed')
      // The session start: ours in sst; another issuer's token started at its iat. A 0.1 token
      // re-issued without sst may have an iat later than its start: its exp bounds it from below.
      // sst counts only beside the iat that bounds it: alone, the start is unknown.
      let started = iat === undefined ? undefined : ((sst ?? iat) as number)
      const absolute = span.absolute(sma)
      if (
        started !== undefined &&
        sst === undefined &&
        absolute !== null &&
        typeof exp === 'number'
      ) {
        started = Math.min(started, exp - absolute)
      }
      if (started !== undefined && absolute !== null && now >= started + absolute) {
        throw new DecodeError('expired')
      }
      if (typeof iat === 'number' && idle !== undefined && now >= iat + idle) {
        throw new DecodeError('idle')
      }
      if (typeof exp === 'number' && now >= exp) throw new DecodeError('expired')
      if (typeof nbf === 'number' && nbf > now + tolerance) throw new DecodeError('future')
      if (typeof iat === 'number' && iat > now + tolerance) throw new DecodeError('future')
      if (typeof sst === 'number' && typeof iat === 'number' && sst > iat) {
        throw new DecodeError('future')
      }
      if (absolute !== null && exp === undefined) throw new DecodeError('claim')
      if (idle !== undefined && iat === undefined) throw new DecodeError('claim')
      if (issuers && !issuers.includes(claims.iss as string)) throw new DecodeError('claim')
      if (!audienceMatches(claims.aud, audiences)) throw new DecodeError('claim')
      const due = idle !== undefined && (now - (iat as number)) * 2 >= idle
      return {
        data: claims,
        // Never later than the real start, so validAfter cannot be outrun by a clock ahead.
        started: started === undefined ? undefined : Math.min(started, now),
        // Due, or verified by an older key of the set: issue it again under the signing key.
        renew: signer.canSign && (due || rotated),
        maxAge: sma,
        state: canonical,
      }
    },
  })
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
