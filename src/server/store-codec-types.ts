/** @module What storeCodec takes and what it returns beside the codec contract. */
import type { SessionCodec } from '../backends.ts'
import { secretsRule } from '../lib/keys.ts'
import { LIFETIME_OPTIONS, type LifetimeOptions, type LifetimeSchema } from '../lib/lifetime.ts'
import { booleanRule, type OptionRule, optional } from '../lib/options.ts'
import { cacheRule } from '../lib/token-cache.ts'
import { timeoutRule } from './store-call.ts'
import type { SessionIndex, SessionStore, SessionSummary } from './types.ts'

export interface StoreCodecOptions extends LifetimeOptions {
  /** Where the session data lives: `memoryStore()`, `redisStore(client)`, `kvStore(env.KV)`, … */
  store: SessionStore
  /**
   * HMAC secrets of at least 32 bytes, newest first. When given, the id carries a tag, so a forged
   * or guessed id is turned down before any store round trip.
   */
  secrets?: string | readonly string[]
  /**
   * HMAC through WebCrypto even where the runtime has `node:crypto` (Node, Bun, Deno), which is
   * used by default because it is several times faster; the tokens are the same bytes either way.
   */
  webCrypto?: boolean
  /**
   * With `secrets`: how many verified tokens this codec keeps, so an id seen before costs no HMAC
   * (default 1000; `false` for none). The store is read on every request either way.
   */
  cache?: number | false
  /**
   * Seconds each store call may take (fractions allowed), default 2. When they pass the request
   * fails with `ERR_SESSION_STORE` (`withSession` answers 503), the call's `AbortSignal` aborts,
   * and a write still in flight is refused by the store when it arrives.
   */
  timeout?: number
  /**
   * Keeps, per user, the ids of their live sessions: return the user's id for a session's data
   * (or `{ user, info }`, `info` a small summary such as a device name), `undefined` for none.
   * Enables `listSessions(user)` and `destroySessions(user, { except })`. The store must
   * implement `indexSet`, `indexDelete` and `indexList`.
   */
  index?: SessionIndex
  /**
   * Seconds for which the token also carries a sealed copy of the session data (signed with
   * `secrets`, or encrypted with `encrypt`; one of them is required). A request that only reads,
   * inside that window, makes no store call; a write goes to the store and refreshes the copy. A
   * copy past its window, or one that would push the token past 3600 characters, is a miss: the
   * store answers. `destroy()`, `regenerate()`, `destroySessions()` and `destroySession()` end
   * the session at once in this process, within 1 s in every other where the store pushes
   * revocations (`redisStore` with a `subscriber`, `memoryStore`), and within `snapshot` seconds
   * everywhere. Default: off.
   */
  snapshot?: number
  /**
   * Secrets of at least 32 bytes, newest first: every stored value, index summary and snapshot
   * is AES-256-GCM ciphertext under the first (bound to its session id and key), and any of them
   * opens it. A record under an older secret is rewritten under the newest on its next use. Key
   * names and times stay readable. Turning it on ends the sessions stored without it.
   */
  encrypt?: string | readonly string[]
}

/** A storeCodec: a codec, plus ids and, with `index`, the sessions of each user. */
export interface StoreCodec extends SessionCodec {
  createId(): string
  /**
   * The live sessions of `user`, most recently seen first (needs `index`). Pass the current
   * request's `session.id` as `current` to mark it.
   */
  listSessions(user: string, options?: { current?: string }): Promise<SessionSummary[]>
  /**
   * Deletes every session of `user` except `except` (the current `session.id`, for "log out the
   * other devices", or the `handle` that `listSessions` shows); returns how many live sessions were
   * deleted (needs `index`). Any other `except` is refused with `ERR_SESSION_CONFIG`, since it would
   * match no session and end the current one too.
   */
  destroySessions(user: string, options?: { except?: string }): Promise<number>
  /**
   * Deletes the one session of `user` whose `handle` (from `listSessions`) is given: "log out this
   * device". Returns whether a live session was deleted; a handle that is not one is refused with
   * `ERR_SESSION_CONFIG` (needs `index`).
   */
  destroySession(user: string, handle: string): Promise<boolean>
}

/** storeCodec's options, declared once. */
export const STORE_CODEC_OPTIONS: LifetimeSchema & {
  store: OptionRule<SessionStore>
  secrets: OptionRule<string[] | undefined>
  webCrypto: OptionRule<boolean>
  cache: OptionRule<number>
  timeout: OptionRule<number>
  index: OptionRule<SessionIndex | undefined>
  snapshot: OptionRule<number | undefined>
  encrypt: OptionRule<string[] | undefined>
} = {
  store: (value, fail) => {
    const store = value as Record<string, unknown> | undefined
    if (!['get', 'set', 'patch', 'delete'].every((m) => typeof store?.[m] === 'function')) {
      fail('must have get, set, patch and delete')
    }
    return value as SessionStore
  },
  secrets: optional(secretsRule(32)),
  ...LIFETIME_OPTIONS,
  webCrypto: booleanRule(false),
  cache: cacheRule,
  timeout: timeoutRule,
  index: optional((value, fail) => {
    if (typeof value !== 'function') fail('must be a function of the data')
    return value as SessionIndex
  }),
  snapshot: optional((value, fail) => {
    if (!Number.isSafeInteger(value) || (value as number) < 1) {
      fail('must be a whole number of seconds, at least 1')
    }
    return value as number
  }),
  encrypt: optional(secretsRule(32)),
}
