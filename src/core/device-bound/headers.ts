/** @module What a device-bound session adds to a response: the bound cookie, the asks to register. */
import type { SessionBinding } from '../../backends.ts'
import type { DeviceBound } from './options.ts'
import { boundCookieValue, issueChallenge, tokenTie } from './signed-values.ts'

/** The bound cookie's attributes, as the registration answer names them to the browser. */
export const BOUND_ATTRIBUTES = 'Path=/; Secure; HttpOnly; SameSite=Lax'

/** A header writer, run inside the commit's one door. */
export type HeaderWrite = (headers: Headers) => void

/** Sets a fresh bound cookie for session `id`, living `seconds` (at most `boundFor`). */
export async function setBoundCookie(
  bound: DeviceBound,
  id: string,
  seconds: number = bound.boundFor,
): Promise<HeaderWrite> {
  const life = Math.max(0, Math.min(seconds, bound.boundFor))
  const value = await boundCookieValue(bound, id, bound.now() + life)
  return (headers) =>
    headers.append('set-cookie', `${bound.cookie}=${value}; Max-Age=${life}; ${BOUND_ATTRIBUTES}`)
}

/** Tells the browser to forget the bound cookie: on its next request it refreshes, and hears no. */
export function clearBoundCookie(bound: DeviceBound): HeaderWrite {
  return (headers) =>
    headers.append('set-cookie', `${bound.cookie}=; Max-Age=0; ${BOUND_ATTRIBUTES}`)
}

/** What a commit writes for the device binding, beside the session token; `undefined`: nothing. */
export async function bindingWrites(
  bound: DeviceBound,
  session: { binding: SessionBinding | undefined; rotate: boolean },
  before: SessionBinding | undefined,
  presented: string | undefined,
  write: { token: string; maxAge: number | undefined } | 'clear' | undefined,
): Promise<HeaderWrite | undefined> {
  if (write === undefined) return undefined
  // The session ends: so does its bound cookie; the next refresh hears `continue: false`.
  if (write === 'clear') return before === undefined ? undefined : clearBoundCookie(bound)
  const { binding } = session
  if (binding !== undefined) {
    // Just registered: the first bound cookie, never outliving the token.
    if (binding === before) return undefined
    return setBoundCookie(bound, binding.id, write.maxAge ?? bound.boundFor)
  }
  // A new session or a regenerated one (a login): ask the browser to bind it to a key.
  if (presented !== undefined && !session.rotate) return undefined
  const challenge = await issueChallenge(bound, 'register', await tokenTie(write.token))
  const ask = `(${bound.algorithms.join(' ')});path="${bound.registerPath}";challenge="${challenge}"`
  const drop = before === undefined ? undefined : clearBoundCookie(bound)
  return (headers) => {
    headers.set('secure-session-registration', ask)
    drop?.(headers)
  }
}
