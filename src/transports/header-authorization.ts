/** @module headerAuthorization: the request presents its token in a header of its own. */
import type { AuthorizationBackend } from '../backends.ts'
import { checkOptions } from '../lib/options.ts'
import { headerNameRule } from './http.ts'

export interface HeaderAuthorizationOptions {
  /** The request header that carries the token; default `x-session-token`. */
  header?: string
}

/**
 * Reads the token from one request header; an empty header means no token.
 *
 * @example
 * const authorization = headerAuthorization({ header: 'x-session-token' })
 */
export function headerAuthorization(
  options: HeaderAuthorizationOptions = {},
): AuthorizationBackend {
  const { header } = checkOptions('headerAuthorization', options, {
    header: headerNameRule('x-session-token'),
  })
  return {
    header: header,
    getToken(request: Request): string | undefined {
      const token = request.headers.get(header)?.trim()
      return token ? token : undefined
    },
  }
}
