/** @module The token format a codec gives `defineCodec`: how a token is sealed, opened and read. */
import type { SessionBinding, SessionData } from '../backends.ts'
import type { CodecContext } from '../events.ts'
import type { TokenTimes } from '../lib/lifetime.ts'

/** What `open` proved about a token: its verified payload, and which key verified it. */
export interface OpenedToken<Payload> {
  payload: Payload
  /** The index of the key that verified it, newest first: above 0, the token is issued again. */
  key?: number
}

/** What `read` finds in a verified payload: the data, and the times beside it. */
export interface ReadSession<State = undefined> {
  /** The session data, and nothing else: no times, no ids, no bookkeeping. */
  data: SessionData
  /** The token's times; the kernel judges them. */
  times?: TokenTimes
  /** The server-side session id, for formats that keep the data on the server. */
  id?: string
  /** The format's own memory of this token, handed back to `seal` when the session continues. */
  state?: State
  /** Issue the token again although nothing changed (the format's own reason). */
  renew?: boolean
  /** False when this codec cannot issue tokens (a public key only): never renew. */
  renewable?: boolean
  /** The device the session is bound to, kept beside the data (`carriesBinding` formats). */
  binding?: SessionBinding
}

/** What the kernel hands `seal`: the times to write, and the session this token continues. */
export interface SealStamp<State = undefined> {
  /** Now, in whole seconds since the epoch: the token's issue time. */
  now: number
  /** When the session began, in whole seconds: `now` for a new session. */
  started: number
  /** The deadline of the token, in seconds since the epoch; `undefined`: none. */
  expires?: number
  /** The session's own lifetime in seconds (`session.setMaxAge`). */
  maxAge?: number
  /** The server-side id to write under (from `createId`), for a new session. */
  id?: string
  /** The data as `JSON.stringify` writes it. */
  json: string
  /** The device binding to keep beside the data; `undefined`: none (`carriesBinding` formats). */
  binding?: SessionBinding
  /** When the session last authenticated, in whole seconds: write it where the format can. */
  authenticated?: number
  /** What `withSession` hands the codec for this request: pass it to every store call. */
  context?: CodecContext
  /** The session this token continues; absent for a new one. */
  previous?: {
    token: string
    key: number
    id?: string
    started?: number
    maxAge?: number
    binding?: SessionBinding
    state?: State
  }
}

/** A sealed token, and what the kernel needs to know about it. */
export interface SealedToken<Payload> {
  token: string
  /** The payload `open` would return for this token: given, the token enters the cache. */
  payload?: Payload
  /** The server-side session id. */
  id?: string
  /** A deadline the data itself set (a JWT's own `exp`): the cookie ends there. */
  expires?: number
  /** The cookie's Max-Age in seconds when the format decides it (`null`: none). */
  maxAge?: number | null
}

/** A token format for `defineCodec`. */
export interface CodecFormat<Payload, State = undefined> {
  /** The factory's name, for error messages. */
  name: string
  /**
   * The token in its one spelling, when a format allows several for one token (an ECDSA signature
   * with a high S): the cache and `open` see only that spelling. Throws `DecodeError` when none.
   */
  canonical?(token: string): string
  /** Checks a token's seal; throws `DecodeError` for one that is not valid. Its result is cached. */
  open(token: string): Promise<OpenedToken<Payload>>
  /**
   * The data and times inside a verified payload; throws `DecodeError` for a malformed one.
   * `context`: what `withSession` hands the codec (pass it to store calls).
   */
  read(
    payload: Payload,
    token: string,
    context?: CodecContext,
  ): ReadSession<State> | Promise<ReadSession<State>>
  /** Writes `data` into a token under the newest key. */
  seal(data: SessionData, stamp: SealStamp<State>): Promise<SealedToken<Payload>>
  /** Called once a token's times were judged valid; may change what is returned. */
  accept?(session: ReadSession<State>, context?: CodecContext): Promise<ReadSession<State>>
  /** Called when a token's session expired or went idle (not for `future`): the server forgets it. */
  expire?(session: ReadSession<State>, context?: CodecContext): Promise<void>
  /** Forgets what the server keeps for `token`. */
  destroy?(
    token: string,
    opened: OpenedToken<Payload> | undefined,
    context?: CodecContext,
  ): Promise<void>
  /** A fresh server-side id. */
  createId?(): string
  /** True when `read` gives `times.started` for every valid token (`validAfter` needs it). */
  reportsStart?: boolean
  /** True when `seal` keeps `stamp.binding` and `read` gives it back (`deviceBound` needs it). */
  carriesBinding?: boolean
  /** How long a cached payload is, in characters (default: a string's length, else 64). */
  size?(payload: Payload): number
}
