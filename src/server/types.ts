/** @module SessionStore: what storeCodec needs from a key-value store. */
import type { SessionData } from '../backends.ts'

/**
 * One server-side session. Each top-level key of the session data is kept as its own JSON text,
 * so that a store can change one key without reading or rewriting the others.
 */
export interface StoreRecord {
  /** When the session began, in whole seconds since the epoch (absolute lifetime). */
  created: number
  /** When the session was last written or renewed, in whole seconds (idle lifetime). */
  touched: number
  /** The session's own absolute lifetime in seconds (`session.setMaxAge`), when it has one. */
  maxAge?: number
  /** Each top-level key of the session data and its value as JSON text. */
  values: Record<string, string>
  /** The device the session is bound to (`withSession`'s `deviceBound`), as JSON text. */
  bound?: string
}

/**
 * What every store call carries: its deadline. A store hands `signal` to its client, so a command
 * still queued when the deadline passes is dropped, and carries `deadline` to the server where it
 * can, so a write that arrives late (a stalled server, a full socket) is refused instead of
 * landing after the request already failed.
 */
export interface StoreCall {
  /** Aborted when the deadline passes. */
  signal: AbortSignal
  /** The deadline in milliseconds since the epoch (this process's clock). */
  deadline: number
}

/**
 * One entry of a user's session index (`storeCodec({ index })`), as a store keeps it. The id is
 * the server-side session id: it never leaves the server.
 */
export interface StoreIndexEntry {
  id: string
  /** When the session began, in whole seconds. */
  created: number
  /** The app's summary of the session (a device name, a user agent) as JSON text, if any. */
  info?: string
  /** Seconds since the epoch after which the entry is stale; `undefined`: never. */
  expires?: number
}

/** Which user a session belongs to, and an optional summary shown in "your devices". */
export type SessionIndex = (
  data: SessionData,
) => string | { user: string; info?: Record<string, unknown> } | undefined

/** One live session of a user, as `listSessions` reports it. */
export interface SessionSummary {
  /** A stable, non-secret name for the session (a digest of its id): safe to put in a page. */
  handle: string
  /** When the session began, in seconds since the epoch. */
  created: number
  /** When the session was last written or renewed, in seconds since the epoch. */
  lastSeen: number
  /** What `index` returned as `info` for the session. */
  info?: Record<string, unknown>
  /** True for the session whose id was passed as `current`. */
  current: boolean
}

/** The changes one request made to a session, applied by `SessionStore.patch`. */
export interface StorePatch {
  /** The new `touched` time, in whole seconds. */
  touched: number
  /** Keys the request set or changed, with their new values as JSON text. */
  set: Record<string, string>
  /** Keys the request deleted. */
  delete: string[]
}

/**
 * A key-value store for `storeCodec`. `ttl` is in whole seconds (`undefined`: no expiry), a little
 * past the session's deadline; the codec checks lifetimes itself, so a store may keep a record
 * longer than asked (Cloudflare KV rounds up to 60 s) but never drops one early. Errors (store down, timeout) must be thrown, not hidden.
 *
 * @example
 * const logged: SessionStore = {
 *   ...inner,
 *   delete: async (id) => {
 *     audit('session deleted')
 *     await inner.delete(id)
 *   },
 * }
 */
export interface SessionStore {
  /** The record for `id`, or `undefined` when there is none (never stored, deleted, expired). */
  get(id: string, call?: StoreCall): Promise<StoreRecord | undefined>
  /** Creates or replaces the record for `id`; refused (throws) once `call.deadline` has passed. */
  set(id: string, record: StoreRecord, ttl: number | undefined, call?: StoreCall): Promise<void>
  /**
   * Applies `patch` to the record for `id` if it exists, in one atomic step where the store can,
   * and resets its TTL. Returns `false`, writing nothing, when the record does not exist: a
   * destroyed or expired session is never brought back by a late write.
   */
  patch(id: string, patch: StorePatch, ttl: number | undefined, call?: StoreCall): Promise<boolean>
  /** Removes the record for `id`; removing a missing record is not an error. */
  delete(id: string, call?: StoreCall): Promise<void>
  /**
   * Removes one value of the record and returns it, in one atomic step: of many concurrent
   * callers exactly one gets it (flash messages). `undefined` when the record or value is absent.
   * Optional: without it a flash can be read by concurrent requests.
   */
  take?(id: string, key: string, call?: StoreCall): Promise<string | undefined>
  /** Adds or replaces `entry` in `user`'s session index (`storeCodec({ index })`). Optional. */
  indexSet?(user: string, entry: StoreIndexEntry, call?: StoreCall): Promise<void>
  /** Removes session `id` from `user`'s index. */
  indexDelete?(user: string, id: string, call?: StoreCall): Promise<void>
  /** Every entry of `user`'s index; the codec drops stale ones and checks each session. */
  indexList?(user: string, call?: StoreCall): Promise<StoreIndexEntry[]>
  /**
   * Tells every other process that the sessions `ids` ended (`storeCodec({ snapshot })`), so their
   * snapshots stop being trusted at once instead of at the end of the window. Optional.
   */
  revoke?(ids: string[], call?: StoreCall): Promise<void>
  /** Hears the ids that `revoke` announced, from any process; storeCodec calls it once per store. */
  onRevoke?(listener: (ids: string[]) => void): void
  /**
   * For a store that cannot push (Durable Objects): fetches the ids revoked since the last pull
   * and hands them to the `onRevoke` listeners. storeCodec calls it before trusting a snapshot
   * when its last pull is a second old or more, so a revocation reaches every process within
   * about 1 s; while it fails, no snapshot is trusted. Optional.
   */
  pullRevocations?(call?: StoreCall): Promise<void>
}
