/** @module bearerAuthorization: the request presents its token as `Authorization: Bearer <token>`. */
import type { AuthorizationBackend } from '../backends.ts'
import { DecodeError } from '../errors.ts'
import { booleanRule, checkOptions, optional } from '../lib/options.ts'
import { isToken } from './http.ts'

export interface BearerAuthorizationOptions {
  /** The auth scheme, matched in any letter case; default `Bearer`. */
  scheme?: string
  /**
   * When true, a header that names this scheme but does not carry exactly one token68 is a
   * malformed token (`DecodeError` 'malformed', reported to `onInvalid`) instead of no token, so
   * an API can answer 400/401. Default false.
   */
  strict?: boolean
}

/** RFC 7235 token68. */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/

/**
 * Reads the token from the Authorization header (RFC 6750 §2.1): the scheme in any letter case,
 * one or more spaces, then a token68. Anything else (another scheme, a second token, characters
 * outside token68, an empty header) means the request presents no token.
 *
 * @example
 * const api = withSession(handler, {
 *   codec: jwtCodec({ key: env.JWT_SECRET, algorithms: ['HS256'] }),
 *   storage: headerStorage({ header: 'x-session-token' }),
 *   authorization: bearerAuthorization(),
 * })
 */
export function bearerAuthorization(
  options: BearerAuthorizationOptions = {},
): AuthorizationBackend {
  const { scheme, strict } = checkOptions('bearerAuthorization', options, {
    scheme: optional((value, fail) => {
      if (!isToken(value)) fail('must be an HTTP token')
      return value as string
    }, 'Bearer'),
    strict: booleanRule(false),
  })
  const lower = scheme.toLowerCase()
  return {
    header: 'Authorization',
    getToken(request: Request): string | undefined {
      const header = request.headers.get('authorization')
      if (header === null || header.slice(0, lower.length).toLowerCase() !== lower) return undefined
      const rest = header.slice(lower.length)
      const token = rest.replace(/^ +/, '')
      if (token.length < rest.length && TOKEN68.test(token)) return token
      // Another scheme that merely starts with this one ("Bearerish"), or no scheme match at all.
      if (rest !== '' && rest[0] !== ' ' && rest[0] !== '\t') return undefined
      if (strict) throw new DecodeError('malformed', `malformed ${scheme} credentials`)
      return undefined
    },
  }
}
