/** @module sessionOf: the session a response sets, read back with your backends, for tests. */
import type { SessionBackends, SessionData } from '../backends.ts'
import { presentations, readToken, storageHeaders } from './present.ts'

/**
 * What a response does to the session, read back through your backends as the client would:
 * the data of the token it sets, `null` when it clears the token (logout, an invalid token), or
 * `undefined` when it leaves the session as it was. A token that does not decode throws the
 * codec's `DecodeError`.
 *
 * @example
 * const response = await app(new Request('http://localhost/login', { method: 'POST', body }))
 * assert.deepEqual(await sessionOf(response, backends), { user: 'ada' })
 */
export async function sessionOf<Data extends SessionData = SessionData>(
  response: Response,
  backends: SessionBackends,
): Promise<Data | null | undefined> {
  const { codec, storage, authorization } = backends
  const probe = storageHeaders(storage)
  const cookieNames = probe.getSetCookie().map((line) => line.slice(0, line.indexOf('=')))
  const names = [...probe.keys()].filter(
    (name) => name !== 'set-cookie' && response.headers.has(name),
  )
  const cookies = response.headers
    .getSetCookie()
    .filter((line) => cookieNames.includes(line.slice(0, line.indexOf('='))))
  if (
    cookies.length === 0 &&
    names.every((name) => /^(cache-control|vary|access-control-expose-headers)$/.test(name))
  ) {
    return undefined
  }
  const sent = new Headers()
  for (const line of cookies) sent.append('set-cookie', line)
  for (const name of names) sent.set(name, response.headers.get(name)!)
  for (const headers of presentations(sent)) {
    const token = readToken(authorization, new Request('http://localhost/', { headers }))
    if (token === undefined) continue
    const data = codec.decodeSession
      ? (await codec.decodeSession(token)).data
      : await codec.decode(token)
    return data as Data
  }
  return null
}
