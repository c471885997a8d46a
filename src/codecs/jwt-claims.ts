/** @module jwtCodec's claim set: the data, the times beside it, and the iss and aud checks. */
import type { SessionBinding, SessionData } from '../backends.ts'
import { DecodeError } from '../errors.ts'
import { fromConfirmation, toConfirmation } from '../lib/binding.ts'
import { isSessionMaxAge } from '../lib/lifetime.ts'
import { parseJsonText } from './compact.ts'
import type { ReadSession } from './define-codec.ts'

/** Set when the signature verified but the payload is not a claim set, so the cause stays visible. */
export const NOT_A_CLAIM_SET = 'the JWT payload is not a JSON object'

export interface ClaimRules {
  /** The absolute lifetime (`maxAge`), `null` for none. */
  absolute: number | null
  idle: number | undefined
  issuers: readonly string[] | undefined
  audiences: readonly string[] | undefined
}

/**
 * Splits a verified claim set into data and times. A token this codec wrote carries `sst`: its
 * `iat`, `sst` and `sma` are bookkeeping, and so are the `exp`, `iss` and `aud` the options
 * write; everything else, and every claim of another issuer's token, is data.
 */
export function readClaims(text: string, rules: ClaimRules): ReadSession {
  const claims = parseJsonText(text)
  if (claims === undefined) throw new DecodeError('malformed', NOT_A_CLAIM_SET)
  const { exp, nbf, iat, sst, sma } = claims
  for (const time of [exp, nbf, iat, sst]) {
    if (time !== undefined && (typeof time !== 'number' || !Number.isFinite(time))) {
      throw new DecodeError('malformed')
    }
  }
  if (!isSessionMaxAge(sma)) throw new DecodeError('malformed')
  const { absolute, idle, issuers, audiences } = rules
  if (absolute !== null && exp === undefined) throw new DecodeError('claim')
  if (idle !== undefined && iat === undefined) throw new DecodeError('claim')
  if (issuers && !issuers.includes(claims.iss as string)) throw new DecodeError('claim')
  if (!audienceMatches(claims.aud, audiences)) throw new DecodeError('claim')
  // sst counts only beside the iat that bounds it: alone, the start is unknown.
  const own = typeof sst === 'number' && iat !== undefined
  // Another issuer's token started at its iat. A 0.1 token re-issued without sst may have an iat
  // later than its start: its exp bounds it from below.
  let started = iat === undefined ? undefined : ((sst ?? iat) as number)
  const max = absolute === null || sma === undefined ? absolute : Math.min(absolute, sma)
  if (!own && started !== undefined && max !== null && typeof exp === 'number') {
    started = Math.min(started, exp - max)
  }
  const data: SessionData = { ...claims }
  // A device binding (RFC 7800's cnf) is bookkeeping on our own tokens only.
  const binding = own ? fromConfirmation(claims.cnf) : undefined
  if (own) {
    delete data.iat
    delete data.sst
    delete data.sma
    delete data.cnf
    if (absolute !== null || idle !== undefined) delete data.exp
    if (issuers) delete data.iss
    if (audiences) delete data.aud
  }
  const times = {
    started,
    issued: iat as number | undefined,
    expires: exp as number | undefined,
    notBefore: nbf as number | undefined,
    maxAge: sma as number | undefined,
    foreign: !own,
  }
  return binding === undefined ? { data, times } : { data, times, binding }
}

/** The claims a token issued now carries: the data, then the codec's own. */
export function writeClaims(
  data: SessionData,
  stamp: {
    now: number
    started: number
    maxAge?: number
    expires?: number
    binding?: SessionBinding
  },
  rules: ClaimRules,
): { claims: SessionData; expires: number | undefined } {
  const claims: SessionData = { ...data, iat: stamp.now, sst: stamp.started }
  if (stamp.maxAge !== undefined) claims.sma = stamp.maxAge
  else delete claims.sma
  if (stamp.binding !== undefined) claims.cnf = toConfirmation(stamp.binding)
  else delete claims.cnf
  const lifetime = rules.absolute !== null || rules.idle !== undefined
  if (lifetime && stamp.expires !== undefined) claims.exp = stamp.expires
  if (rules.issuers) claims.iss = rules.issuers[0]
  if (rules.audiences) claims.aud = rules.audiences[0]
  // Without a lifetime of the codec's own, an exp in the data is the token's deadline.
  const expires = !lifetime && typeof data.exp === 'number' ? data.exp : undefined
  return { claims, expires }
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
