/** @module headerStorage: the token goes to the client in a response header (API clients). */
import type { StorageBackend } from '../backends.ts'
import { SessionError } from '../errors.ts'
import { checkOptions } from '../lib/options.ts'
import { addToList } from '../lib/response-headers.ts'
import { headerNameRule } from './http.ts'

export interface HeaderStorageOptions {
  /** The response header that carries the token; default `x-session-token`. */
  header?: string
}

/** Visible ASCII only: a token never splits or ends a header. */
const VISIBLE = /^[\x21-\x7E]+$/

/**
 * Writes a new token to a response header. Clearing sends the header with an empty value, which
 * tells the client to drop the token it holds. The header is also listed in
 * `Access-Control-Expose-Headers`, so browser clients on another origin can read it.
 *
 * @example
 * const backends = {
 *   codec: signedCodec({ secrets: env.SESSION_SECRET }),
 *   storage: headerStorage({ header: 'x-session-token' }),
 *   authorization: bearerAuthorization(),
 * }
 */
export function headerStorage(options: HeaderStorageOptions = {}): StorageBackend {
  const { header } = checkOptions('headerStorage', options, {
    header: headerNameRule('x-session-token'),
  })

  function write(headers: Headers, value: string): void {
    headers.set(header, value)
    addToList(headers, 'access-control-expose-headers', header)
  }

  return {
    persist(headers: Headers, token: string): void {
      if (!VISIBLE.test(token)) {
        throw new SessionError(
          'ERR_SESSION_TOKEN',
          'the session token has characters a header cannot carry',
        )
      }
      write(headers, token)
    },
    clear(headers: Headers): void {
      write(headers, '')
    },
  }
}
