/** @module bearerAuthorization: the request presents its token as `Authorization: Bearer <token>`. */
import type { AuthorizationBackend } from '../backends.ts'
import { SessionError } from '../errors.ts'
import { isToken } from '../lib/http.ts'

export interface BearerAuthorizationOptions {
  /** The auth scheme, matched in any letter case; default `Bearer`. */
  scheme?: string
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
  const scheme = options.scheme ?? 'Bearer'
  if (!isToken(scheme)) {
    throw new SessionError(
      'ERR_SESSION_CONFIG',
      'bearerAuthorization: scheme must be an HTTP token',
    )
  }
  const lower = scheme.toLowerCase()
  return {
    getToken(request: Request): string | undefined {
      const header = request.headers.get('authorization')
      if (header === null || header.length <= lower.length + 1) return undefined
      if (header.slice(0, lower.length).toLowerCase() !== lower || header[lower.length] !== ' ') {
        return undefined
      }
      const token = header.slice(lower.length + 1).replace(/^ +/, '')
      return TOKEN68.test(token) ? token : undefined
    },
  }
}
