/** @module The options of withSession, declared once. */
import type { SessionBackends, SessionData } from '../backends.ts'
import type { DecodeError, SessionError } from '../errors.ts'
import { functionRule, type OptionRule } from '../lib/options.ts'

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
}

/** The options of `withSession`, each a function when given. */
export const SESSION_OPTIONS: { [K in keyof SessionOptions]-?: OptionRule<SessionOptions[K]> } = {
  onInvalid: functionRule<NonNullable<SessionOptions['onInvalid']>>(),
  validAfter: functionRule<NonNullable<SessionOptions['validAfter']>>(),
  onStoreError: functionRule<NonNullable<SessionOptions['onStoreError']>>(),
}

/** A backend set, or a function that builds one from the handler's arguments (a Workers `env`). */
export type BackendsInit<Rest extends unknown[]> =
  | SessionBackends
  | ((request: Request, ...rest: Rest) => SessionBackends)
