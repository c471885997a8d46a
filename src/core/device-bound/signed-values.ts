/**
 * @module The values a device-bound session signs: its challenges and its bound cookie, each an
 * HMAC over a context string, so one can never pass for the other.
 */
import { decodeBase64url, encodeBase64url } from '../../lib/base64url.ts'
import type { DeviceBound } from './options.ts'

/** Marks a challenge used; true the first time only. */
export type Spend = (challenge: string, expires: number) => boolean | Promise<boolean>

/** What a challenge is for: registering a key on one token, or refreshing one bound session. */
export type Purpose = 'register' | 'refresh'

const VALUE = /^([0-9]{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/
const COOKIE = /^([A-Za-z0-9_-]{16,64})\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})$/

/** A fresh challenge for `purpose`, tied to `tie` (a token's digest, a bound session id). */
export async function issueChallenge(
  bound: DeviceBound,
  purpose: Purpose,
  tie: string,
): Promise<string> {
  const expires = bound.now() + bound.challengeFor
  const nonce = encodeBase64url(crypto.getRandomValues(new Uint8Array(16)))
  const body = `${expires}.${nonce}`
  return `${body}.${encodeBase64url(await bound.sign(challengeContext(purpose, tie, body)))}`
}

/** True when `challenge` is ours for `purpose` and `tie`, not expired, and spent now for the first time. */
export async function acceptChallenge(
  bound: DeviceBound,
  challenge: unknown,
  purpose: Purpose,
  tie: string,
): Promise<boolean> {
  const match = typeof challenge === 'string' ? VALUE.exec(challenge) : null
  const tag = match && decodeBase64url(match[3]!)
  if (!match || tag === undefined || tag === null) return false
  const expires = Number(match[1])
  if (expires <= bound.now()) return false
  const body = `${match[1]}.${match[2]}`
  if (!(await bound.verify(tag, challengeContext(purpose, tie, body)))) return false
  return (await bound.spend(challenge as string, expires)) === true
}

function challengeContext(purpose: Purpose, tie: string, body: string): string {
  return `fetch-session dbsc ${purpose} challenge ${tie} ${body}`
}

/** The digest a registration challenge is tied to: the session token it was issued with. */
export async function tokenTie(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))
  return encodeBase64url(new Uint8Array(digest))
}

/** The bound cookie's value for session `id`, valid until `expires` (seconds since the epoch). */
export async function boundCookieValue(
  bound: DeviceBound,
  id: string,
  expires: number,
): Promise<string> {
  const body = `${id}.${expires}`
  return `${body}.${encodeBase64url(await bound.sign(`fetch-session dbsc bound cookie ${body}`))}`
}

/** True when `value` is a bound cookie for session `id` that has not expired. */
export async function acceptBoundCookie(
  bound: DeviceBound,
  value: string | undefined,
  id: string,
): Promise<boolean> {
  const match = value === undefined ? null : COOKIE.exec(value)
  const tag = match && decodeBase64url(match[3]!)
  if (!match || !tag || match[1] !== id || Number(match[2]) <= bound.now()) return false
  return bound.verify(tag, `fetch-session dbsc bound cookie ${match[1]}.${match[2]}`)
}

/**
 * The default `spendChallenge`: challenges used in this process, forgotten once expired. Only
 * right for a single instance; several instances need a shared memory.
 */
export function spendOnce(now: () => number, limit = 100_000): Spend {
  const used = new Map<string, number>()
  return (challenge, expires) => {
    if (used.has(challenge)) return false
    // Entries go in by issue time, nearly expiry order: drop the expired ones at the front.
    const time = now()
    for (const [key, until] of used) {
      if (until > time) break
      used.delete(key)
    }
    // Full of live challenges: refuse rather than forget one that may come back.
    if (used.size >= limit) return false
    used.set(challenge, expires)
    return true
  }
}
