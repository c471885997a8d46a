/** @module headerAuthorization: the request presents its token in a header of its own. */
import type { AuthorizationBackend } from '../backends.ts'
import { optionsObject } from '../lib/options.ts'
import { checkHeaderName } from './http.ts'

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
  optionsObject('headerAuthorization', options ?? null, { header: 1 })
  const header = checkHeaderName(options.header ?? 'x-session-token', 'headerAuthorization')
  return {
    header: header,
    getToken(request: Request): string | undefined {
      const token = request.headers.get(header)?.trim()
      return token ? token : undefined
    },
  }
}
