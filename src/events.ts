/**
 * @module Session lifecycle events: what `withSession({ events })` hears, and what a codec reports
 * through the context the core hands it.
 */
import type { DecodeErrorReason } from './errors.ts'

/** How a store call ended: `timeout` when its deadline passed first. */
export type StoreCallOutcome = 'ok' | 'error' | 'timeout'

/** What a codec reports while `withSession` uses it: the kernel's cache and the store's calls. */
export type CodecEvent =
  /** A presented token was (`hit`) or was not (`miss`) in the codec's verified-token cache. */
  | { type: 'cache'; hit: boolean }
  /** One call to a server-side store: its operation, how long it took, how it ended. */
  | { type: 'store'; operation: string; ms: number; outcome: StoreCallOutcome }

/**
 * What `withSession` hands a codec for one request (`decodeSession`'s second argument,
 * `SessionWrite.context`, `destroy`'s second argument). A codec built on `defineCodec` passes it on
 * by itself; a hand-written codec may ignore it.
 */
export interface CodecContext {
  /** Reports what the codec did; present only when the app listens. */
  emit?: (event: CodecEvent) => void
}

/** Where a session's lifecycle event came from, and which session it names. */
interface EventBase {
  /** The request being answered. */
  request: Request
  /**
   * A stable, non-secret name of the session: a digest of the server-side id (the `handle` that
   * `listSessions` shows). `undefined` for stateless codecs, which keep no id.
   */
  handle: string | undefined
}

/**
 * One thing that happened to a session (`withSession(handler, backends, { events })`).
 *
 * - `loaded`: a presented token decoded; `created`: a new session's first token was issued;
 *   `renewed`: a continuing session got a new token (`changed`: its data changed; otherwise only its
 *   lifetime moved); `regenerated`: `regenerate()` issued a fresh token (`previous`: the old handle);
 *   `destroyed`: `destroy()` or `clear()` ended a session that had a token.
 * - `invalid`: a presented token was refused (`reason`, `DecodeError`'s); `revoked`: `validAfter`
 *   refused it.
 * - `store`: one server-side store call; `store-failure`: a store failed or missed its deadline
 *   (`status`: the answer, 503 by default, `undefined` when the error propagates).
 * - `cache`: the codec's verified-token cache was asked for a presented token.
 */
export type SessionEvent = EventBase &
  (
    | CodecEvent
    | { type: 'loaded' | 'created' | 'destroyed' }
    | { type: 'renewed'; changed: boolean }
    | { type: 'regenerated'; previous: string | undefined }
    | { type: 'invalid'; reason: DecodeErrorReason }
    | { type: 'revoked' }
    | { type: 'store-failure'; status: number | undefined }
  )

/** The type of each `SessionEvent`. */
export type SessionEventType = SessionEvent['type']
