/** @module sessionRequest: a Request that already carries a session, for tests. */
import type { SessionBackends, SessionData } from '../backends.ts'
import { configError } from '../lib/options.ts'
import { presentations, readToken } from './present.ts'

/**
 * A request that presents a session holding `data`, built with your own backends: the codec
 * issues the token, the storage says how it travels, and the authorization backend must read it
 * back. Pass it to your wrapped handler; no token is minted by hand.
 *
 * @example
 * const request = await sessionRequest('http://localhost/account', { user: 'ada' }, backends)
 * const response = await app(request)
 * assert.equal(await response.text(), 'hello ada')
 */
export async function sessionRequest(
  input: string | URL,
  data: SessionData,
  backends: SessionBackends,
  init: RequestInit = {},
): Promise<Request> {
  const { codec, storage, authorization } = backends
  const token = codec.encodeSession
    ? (await codec.encodeSession(data, { id: codec.createId?.() })).token
    : await codec.encode(data)
  const written = new Headers()
  storage.persist(written, token, {})
  for (const headers of presentations(written)) {
    for (const [name, value] of new Headers(init.headers)) {
      if (name === 'cookie' && headers.has('cookie'))
        headers.set(name, `${value}; ${headers.get(name)}`)
      else if (!headers.has(name)) headers.set(name, value)
    }
    const request = new Request(String(input), { ...init, headers })
    if (readToken(authorization, request) === token) return request
  }
  return configError(
    'sessionRequest',
    'the authorization backend reads none of the ways the storage sends a token ' +
      '(its cookies, its header, Authorization: Bearer); build this request by hand',
  )
}
