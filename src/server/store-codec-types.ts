/** @module What storeCodec takes and what it returns beside the codec contract. */
import type { SessionCodec } from '../backends.ts'
import type { LifetimeOptions } from '../lib/lifetime.ts'
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
}
