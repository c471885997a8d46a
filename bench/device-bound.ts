/**
 * What device binding costs: reading a bound session (its bound cookie checked beside the token),
 * and the server side of one refresh (an ES256 proof verified, a challenge checked, a bound
 * cookie issued). The refresh replays one pre-signed proof, so the bench's clock is fixed and its
 * challenge memory accepts a challenge again: the browser's own signing is not counted.
 */
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { cookie, getSession, signedCodec, withSession } from '../src/index.ts'
import type { Case } from './cases.ts'

const SECRET = 'a-benchmark-secret-of-at-least-32-bytes'
const BOUND_SECRET = 'a-benchmark-binding-secret-of-32-bytes'

export async function deviceBoundCases(floors: { read: string; none: string }): Promise<Case[]> {
  const now = () => Date.UTC(2026, 0, 1)
  const handler = withSession(
    async (request: Request) => {
      // The visit count of every other read case: the login visit is the first.
      const session = await getSession<{ count: number }>(request)
      if (new URL(request.url).pathname === '/login') {
        session.regenerate()
        session.set('count', 1)
      }
      return new Response(String(session.get('count') ?? 0))
    },
    { codec: signedCodec({ secrets: SECRET, now }), ...cookie({ name: 'session' }) },
    { deviceBound: { secrets: BOUND_SECRET, now, spendChallenge: () => true } },
  )
  const { publicKey, privateKey } = await generateKeyPair('ES256')
  const jwk = await exportJWK(publicKey)
  const proof = (jti: string, withKey: boolean) =>
    new SignJWT({ jti })
      .setProtectedHeader({ alg: 'ES256', typ: 'dbsc+jwt', ...(withKey ? { jwk } : {}) })
      .sign(privateKey)
  const jar = new Map<string, string>()
  const cookies = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
  const send = async (path: string, headers: Record<string, string> = {}, method = 'GET') => {
    const request = new Request(`https://localhost${path}`, {
      method,
      headers: { ...headers, cookie: cookies() },
    })
    const response = await handler(request)
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0]!
      jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1))
    }
    return response
  }
  const login = await send('/login')
  const challenge = /challenge="([^"]+)"/.exec(
    login.headers.get('secure-session-registration')!,
  )![1]!
  const registered = await send(
    '/dbsc/register',
    { 'secure-session-response': await proof(challenge, true) },
    'POST',
  )
  const id = (await registered.json()).session_identifier as string
  const asked = await send('/dbsc/refresh', { 'sec-secure-session-id': id }, 'POST')
  const refreshChallenge = /^"([^"]+)"/.exec(asked.headers.get('secure-session-challenge')!)![1]!
  const answer = await proof(refreshChallenge, false)
  const bound = cookies()
  const request = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    handler(
      new Request(`https://localhost${path}`, { method, headers: { ...headers, cookie: bound } }),
    )
  return [
    {
      name: 'deviceBound, bound read',
      label: 'deviceBound, bound read',
      group: 'fetch-session',
      path: 'read',
      floor: floors.read,
      cookie: bound,
      send: () => request('/'),
    },
    {
      name: 'deviceBound, refresh with proof',
      label: 'deviceBound, refresh',
      group: 'fetch-session',
      // It issues a cookie: a write.
      path: 'write',
      floor: floors.none,
      cookie: bound,
      send: () =>
        request(
          '/dbsc/refresh',
          { 'sec-secure-session-id': id, 'secure-session-response': answer },
          'POST',
        ),
    },
  ]
}
