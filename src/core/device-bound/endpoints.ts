/**
 * @module The two paths a device-bound `withSession` answers itself: registration (the browser's
 * key joins the session) and refresh (a proof of that key earns a new bound cookie).
 */
import { encodeBase64url } from '../../lib/base64url.ts'
import type { SessionRecord } from '../session.ts'
import { BOUND_ATTRIBUTES, clearBoundCookie, type HeaderWrite, setBoundCookie } from './headers.ts'
import { verifyProof } from './jose-proof.ts'
import type { DeviceBound } from './options.ts'
import { acceptChallenge, issueChallenge, tokenTie } from './signed-values.ts'

/** What an endpoint needs of the request's session: loaded without the bound-cookie check. */
export interface EndpointSession {
  readonly request: Request
  /** The session record and the token the request presented, loaded without enforcement. */
  unenforced(): Promise<{ record: SessionRecord; token: string | undefined }>
  /** Headers to write beside the session's own, through the commit. */
  also: HeaderWrite | undefined
}

/** The answer for a request to one of the device-bound paths, or `undefined` for any other. */
export function deviceBoundEndpoint(
  bound: DeviceBound,
  request: Request,
): ((state: EndpointSession) => Promise<Response>) | undefined {
  const path = request.url.slice(request.url.indexOf('/', request.url.indexOf('//') + 2))
  const pathname = path.split(/[?#]/, 1)[0]
  if (pathname === bound.registerPath) return (state) => register(bound, state)
  if (pathname === bound.refreshPath) return (state) => refresh(bound, state)
  return undefined
}

async function register(bound: DeviceBound, state: EndpointSession): Promise<Response> {
  if (state.request.method !== 'POST') return refusal(405)
  const { record, token } = await state.unenforced()
  // Only a session that has not registered yet, by the token the challenge was issued with.
  if (token === undefined || record.binding !== undefined) return refusal(400)
  const proof = await verifyProof(
    state.request.headers.get('secure-session-response'),
    bound.algorithms,
  )
  if (proof === undefined) return refusal(400)
  if (!(await acceptChallenge(bound, proof.jti, 'register', await tokenTie(token)))) {
    return refusal(400)
  }
  const id = encodeBase64url(crypto.getRandomValues(new Uint8Array(16)))
  // The commit writes the token again with the key beside the data, and the first bound cookie.
  record.binding = { id, jwk: proof.key }
  return json(sessionConfig(bound, id))
}

async function refresh(bound: DeviceBound, state: EndpointSession): Promise<Response> {
  if (state.request.method !== 'POST') return refusal(405)
  const headers = state.request.headers
  const id = bareString(headers.get('sec-secure-session-id'))
  const { record } = await state.unenforced()
  const binding = record.binding
  if (id === undefined || binding === undefined || binding.id !== id) {
    // Logged out, destroyed, revoked, expired, or another key since: the bound session ends.
    if (id !== undefined) state.also = clearBoundCookie(bound)
    return json({ session_identifier: id ?? '', continue: false })
  }
  const answer = headers.get('secure-session-response')
  if (answer === null) return challenge(bound, id)
  const proof = await verifyProof(answer, bound.algorithms, binding.jwk)
  if (proof === undefined) return refusal(401)
  // A stale or replayed challenge from the right key: one more challenge, as for none.
  if (!(await acceptChallenge(bound, proof.jti, 'refresh', id))) return challenge(bound, id)
  state.also = await setBoundCookie(bound, id)
  return json(sessionConfig(bound, id))
}

async function challenge(bound: DeviceBound, id: string): Promise<Response> {
  const value = await issueChallenge(bound, 'refresh', id)
  return new Response(null, {
    status: 403,
    headers: {
      'secure-session-challenge': `"${value}";id="${id}"`,
      'cache-control': 'no-store',
    },
  })
}

/** The session configuration the browser keeps: where to refresh, what it covers, the cookie. */
function sessionConfig(bound: DeviceBound, id: string): Record<string, unknown> {
  return {
    session_identifier: id,
    refresh_url: bound.refreshPath,
    scope: {
      include_site: false,
      scope_specification: bound.exclude.map((path) => ({ type: 'exclude', path })),
    },
    credentials: [{ type: 'cookie', name: bound.cookie, attributes: BOUND_ATTRIBUTES }],
    allowed_refresh_initiators: [],
  }
}

/** A session id as sent: bare, or as a structured-field string. */
function bareString(value: string | null): string | undefined {
  const id = value?.trim().replace(/^"(.*)"$/, '$1')
  return id !== undefined && /^[A-Za-z0-9_-]{16,64}$/.test(id) ? id : undefined
}

function json(body: unknown): Response {
  return new Response(JSON.stringify(body), {
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  })
}

function refusal(status: number): Response {
  return new Response(null, { status, headers: { 'cache-control': 'no-store' } })
}
