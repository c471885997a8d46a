/** @module How a token travels from a response back to a request, for the testing helpers. Internal. */
import type { AuthorizationBackend, SessionBackends } from '../backends.ts'
import { DecodeError } from '../errors.ts'

/** Headers a storage writes that say nothing about the token itself. */
const BOOKKEEPING = new Set([
  'set-cookie',
  'cache-control',
  'vary',
  'access-control-expose-headers',
])

/**
 * The requests a client could send back after receiving `headers` from a storage backend: the
 * cookies it set, the headers it wrote as they are, or a header's value as `Authorization: Bearer`.
 */
export function presentations(headers: Headers): Headers[] {
  const cookies = headers
    .getSetCookie()
    .filter((line) => !/;\s*max-age=0\s*(;|$)/i.test(line))
    .map((line) => line.split(';')[0]!)
    .filter((pair) => !pair.endsWith('='))
  const candidates: Headers[] = []
  if (cookies.length > 0) candidates.push(new Headers({ cookie: cookies.join('; ') }))
  for (const [name, value] of headers) {
    if (BOOKKEEPING.has(name) || value === '') continue
    candidates.push(
      new Headers({ [name]: value }),
      new Headers({ authorization: `Bearer ${value}` }),
    )
  }
  return candidates
}

/** The header names (and cookie names) a storage backend writes a token under. */
export function storageHeaders(storage: SessionBackends['storage']): Headers {
  const probe = new Headers()
  storage.persist(probe, 'fetch-session-probe', {})
  return probe
}

/** The first token an authorization backend reads from a request, or `undefined`. */
export function readToken(
  authorization: AuthorizationBackend | readonly AuthorizationBackend[],
  request: Request,
): string | undefined {
  const list = (
    Array.isArray(authorization) ? authorization : [authorization]
  ) as AuthorizationBackend[]
  for (const backend of list) {
    try {
      const token = backend.getTokens ? backend.getTokens(request)[0] : backend.getToken(request)
      if (token !== undefined) return token
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error
    }
  }
  return undefined
}
