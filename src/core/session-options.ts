/** @module The options of withSession, declared once. */
import type { SessionBackends, SessionData } from '../backends.ts'
import type { DecodeError, SessionError } from '../errors.ts'
import { functionRule, type OptionRule, optional } from '../lib/options.ts'
import type { DeviceBoundOptions } from './device-bound/options.ts'

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
  // Its own options are checked where it is built, once per withSession (deviceBound()).
  deviceBound: optional((value, fail) => {
    if (typeof value !== 'object' || value === null) fail('must be an object')
    return value as DeviceBoundOptions
  }),
}

/** A backend set, or a function that builds one from the handler's arguments (a Workers `env`). */
export type BackendsInit<Rest extends unknown[]> =
  | SessionBackends
  | ((request: Request, ...rest: Rest) => SessionBackends)
