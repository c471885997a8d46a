/** @module The `deviceBound` option of withSession, checked once into what the other steps use. */
import { hmacKeys } from '../../lib/hmac.ts'
import { secretsRule } from '../../lib/keys.ts'
import {
  checkOptions,
  clockRule,
  configError,
  functionRule,
  integerRule,
  optional,
} from '../../lib/options.ts'
import { isCookieName } from '../../transports/cookie-header.ts'
import { type Spend, spendOnce } from './signed-values.ts'

/** Device Bound Session Credentials (W3C WebAppSec DBSC) for the sessions of a `withSession`. */
export interface DeviceBoundOptions {
  /** HMAC secrets of at least 32 bytes, newest first, for the bound cookie and the challenges. */
  secrets: string | readonly string[]
  /**
   * Seconds (10 to 86400) a bound cookie lives before the browser must prove its key again
   * (default 300): a stolen cookie works at most this long.
   */
  boundFor?: number
  /** The bound cookie's name (default `__Host-bound`): `Path=/; Secure; HttpOnly; SameSite=Lax`. */
  cookie?: string
  /** Where the browser registers its key (default `/dbsc/register`), on the app's origin. */
  registerPath?: string
  /** Where the browser refreshes the bound cookie (default `/dbsc/refresh`). */
  refreshPath?: string
  /** The proof algorithms offered, preferred first (default `['ES256', 'RS256']`). */
  algorithms?: readonly ('ES256' | 'RS256')[]
  /**
   * A session that never registered (Firefox, Safari, DBSC off): `'allow'` (default) keeps it a
   * normal session; `'refuse'` gives it no session. A session that registered once always needs
   * its bound cookie.
   */
  unbound?: 'allow' | 'refuse'
  /** Seconds a challenge stays valid (default 60). */
  challengeFor?: number
  /** Paths outside the bound scope, where the browser never waits for a refresh (a login page). */
  exclude?: readonly string[]
  /**
   * Marks a challenge used; returns true the first time only. Default: a memory of this process;
   * with several instances give a shared one (a Redis `SET key 1 NX EX seconds`).
   */
  spendChallenge?: (challenge: string, expires: number) => boolean | Promise<boolean>
  /** The clock, in milliseconds like `Date.now`. */
  now?: () => number
}

/** The `deviceBound` option as the request steps use it. */
export interface DeviceBound {
  boundFor: number
  cookie: string
  registerPath: string
  refreshPath: string
  algorithms: readonly ('ES256' | 'RS256')[]
  unbound: 'allow' | 'refuse'
  challengeFor: number
  exclude: readonly string[]
  /** Seconds since the epoch. */
  now(): number
  sign(text: string): Promise<Uint8Array>
  verify(tag: Uint8Array<ArrayBuffer>, text: string): Promise<boolean>
  spend: Spend
}

const OWNER = 'withSession deviceBound'

const path = (fallback: string) =>
  optional((value, fail) => {
    if (typeof value !== 'string' || !/^\/[\x21-\x7e]*$/.test(value) || /[";,\\]/.test(value)) {
      fail('must be a path starting with / (no quotes, semicolons or commas)')
    }
    return value as string
  }, fallback)

const SCHEMA = {
  secrets: secretsRule(32),
  boundFor: integerRule(10, 86_400, 300),
  cookie: optional((value, fail) => {
    if (!isCookieName(value)) fail('must be a cookie name')
    return value as string
  }, '__Host-bound'),
  registerPath: path('/dbsc/register'),
  refreshPath: path('/dbsc/refresh'),
  algorithms: optional(
    (value, fail) => {
      const list = value as unknown[]
      if (
        !Array.isArray(list) ||
        list.length === 0 ||
        !list.every((alg) => alg === 'ES256' || alg === 'RS256')
      ) {
        fail("must be a non-empty list of 'ES256' and 'RS256'")
      }
      return [...new Set(list)] as ('ES256' | 'RS256')[]
    },
    ['ES256', 'RS256'] as ('ES256' | 'RS256')[],
  ),
  unbound: optional((value, fail) => {
    if (value !== 'allow' && value !== 'refuse') fail("must be 'allow' or 'refuse'")
    return value as 'allow' | 'refuse'
  }, 'allow' as const),
  challengeFor: optional((value, fail) => {
    if (!Number.isSafeInteger(value) || (value as number) < 5 || (value as number) > 600) {
      fail('must be a whole number of seconds from 5 to 600')
    }
    return value as number
  }, 60),
  exclude: optional((value, fail) => {
    if (!Array.isArray(value) || !value.every((p) => path('')(p, fail))) {
      fail('must be a list of paths')
    }
    return [...(value as string[])]
  }, [] as string[]),
  spendChallenge: functionRule<NonNullable<DeviceBoundOptions['spendChallenge']>>(),
  now: clockRule,
}

/** Checks `deviceBound` and builds it, once per `withSession`; `undefined` when absent. */
export function deviceBound(value: DeviceBoundOptions | undefined): DeviceBound | undefined {
  if (value === undefined) return undefined
  const options = checkOptions(OWNER, value, SCHEMA)
  if (options.registerPath === options.refreshPath) {
    configError(OWNER, 'registerPath and refreshPath must differ')
  }
  const keys = hmacKeys(options.secrets, 'SHA-256')
  const now = () => Math.floor(options.now() / 1000)
  return {
    ...options,
    now,
    sign: async (text) => await keys.sign(text),
    verify: async (tag, text) => (await keys.verify(tag, text)) >= 0,
    spend: options.spendChallenge ?? spendOnce(now),
  }
}
