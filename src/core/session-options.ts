/** @module The options of withSession, declared once. */
import type { SessionBackends, SessionData } from '../backends.ts'
import type { DecodeError, SessionError } from '../errors.ts'
import type { SessionEvent } from '../events.ts'
import { functionRule, type OptionRule, optional } from '../lib/options.ts'
import type { DeviceBoundOptions } from './device-bound/options.ts'
import { expiryHeaderRule } from './expiry.ts'

export type { DeviceBoundOptions }

/** Options of `withSession` that apply whatever the backends. */
export interface SessionOptions {
  /**
   * Called when a request presents a token that does not decode (bad signature, expired, garbage).
   * The request goes on with an empty session, unless this returns a `Response`: then
   * `getSession` throws a `DecodeError` carrying it (`error.response`) and `withSession` answers
   * with it instead (an API's 401 with `WWW-Authenticate`). Let the error leave the handler.
   */
  onInvalid?: (error: DecodeError, request: Request) => unknown
  /**
   * Revocation for stateless tokens: return the time (ms since the epoch) before which sessions
   * of this data are no longer accepted (a user's "log out everywhere"), or `undefined`. A session
   * that started earlier, or whose token does not tell when it started (a JWT without `iat`), is
   * turned down with reason `revoked`. Compared in whole seconds, the resolution of token times.
   * A codec that cannot report start times (`starletteCodec`, a custom codec without
   * `reportsStart`) is refused with `ERR_SESSION_CONFIG`.
   */
  validAfter?: (
    data: SessionData,
    request: Request,
  ) => number | undefined | Promise<number | undefined>
  /**
   * Called once when a server-side store fails or misses its deadline (`ERR_SESSION_STORE`), while
   * loading (then `getSession` throws an error carrying the answer) or committing. Return a
   * `Response` to answer with it; return anything else to let the error propagate. Without this
   * option the answer is `503 Service Unavailable` with `Retry-After: 1`; nothing was committed.
   */
  onStoreError?: (error: SessionError, request: Request) => unknown
  /**
   * Hears every lifecycle event (created, loaded, renewed, regenerated, destroyed, invalid,
   * revoked, each store call, a store failure, the token cache's hits and misses), each naming the
   * session by a non-secret handle, never its id or token. Called synchronously: keep it cheap
   * (count, log, hand to a queue); what it throws fails the request. Without it, nothing is built.
   */
  events?: (event: SessionEvent) => void
  /**
   * Decides which requests are passive: they read the session but never renew it, so a page's
   * background polls do not keep an idle session alive. Default: a browser prefetch
   * (`Sec-Purpose: prefetch`) or a request with a `Session-Passive` header. Changes a passive
   * request makes are still written (and start a new idle window). `() => false`: none.
   */
  passive?: (request: Request) => boolean
  /**
   * Writes the session's deadline (`session.expiresAt`, milliseconds since the epoch) in a
   * response header a page's script can read, on every response whose request read a live
   * session: `true` for `Session-Expires-At`, or a header name. Such responses are private.
   */
  expiryHeader?: boolean | string
  /**
   * Binds each session to a key pair held by the browser (W3C DBSC): a login asks the browser to
   * register its key, `withSession` answers the registration and refresh paths itself, and a
   * registered session is accepted only with its short-lived bound cookie, which the browser
   * renews by proving it holds the key. Needs a codec that keeps the key beside the data
   * (`carriesBinding`: signedCodec, encryptedCodec, jwtCodec, storeCodec).
   */
  deviceBound?: DeviceBoundOptions
}

/** The options of `withSession`, each a function when given. */
export const SESSION_OPTIONS: { [K in keyof SessionOptions]-?: OptionRule<SessionOptions[K]> } = {
  onInvalid: functionRule<NonNullable<SessionOptions['onInvalid']>>(),
  validAfter: functionRule<NonNullable<SessionOptions['validAfter']>>(),
  onStoreError: functionRule<NonNullable<SessionOptions['onStoreError']>>(),
  events: functionRule<NonNullable<SessionOptions['events']>>(),
  passive: functionRule<NonNullable<SessionOptions['passive']>>(),
  expiryHeader: expiryHeaderRule,
  // Its own options are checked where it is built, once per withSession (deviceBound()).
  deviceBound: optional((value, fail) => {
    if (typeof value !== 'object' || value === null) fail('must be an object')
    return value as DeviceBoundOptions
  }),
}

/** The options as `withSession` keeps them: checked, the expiry header's name resolved. */
export type CheckedSessionOptions = Omit<SessionOptions, 'expiryHeader'> & {
  expiryHeader?: string
}

/** A backend set, or a function that builds one from the handler's arguments (a Workers `env`). */
export type BackendsInit<Rest extends unknown[]> =
  | SessionBackends
  | ((request: Request, ...rest: Rest) => SessionBackends)
