/** @module Errors: one base class with a stable `code`, and the one a codec throws for a bad token. */

/** Every code a `SessionError` can carry; switch on it, never on the message. */
export type SessionErrorCode =
  /** A backend was built with options that cannot work (thrown at construction). */
  | 'ERR_SESSION_CONFIG'
  /** `getSession` was called on a request that `withSession` did not wrap. */
  | 'ERR_SESSION_MISSING'
  /** The token would not fit its transport (a cookie over 4096 bytes). */
  | 'ERR_SESSION_TOO_LARGE'
  /** A codec produced a token its transport cannot carry. */
  | 'ERR_SESSION_TOKEN'
  /** A token was not valid: thrown by a codec as a `DecodeError`, never out of `withSession`. */
  | 'ERR_SESSION_INVALID'
  /** A server-side store failed (down, timed out). */
  | 'ERR_SESSION_STORE'
  /** The session holds what JSON cannot keep (a BigInt), or `setMaxAge` got a bad value. */
  | 'ERR_SESSION_DATA'
  /** The session was changed after its response was committed (a streamed body, a kept reference). */
  | 'ERR_SESSION_COMMITTED'

/**
 * The error fetch-session throws. Messages never contain a token or a secret.
 *
 * @example
 * try { await handler(request) } catch (error) {
 *   if (error instanceof SessionError && error.code === 'ERR_SESSION_TOO_LARGE') return tooLarge()
 *   throw error
 * }
 */
export class SessionError extends Error {
  readonly code: SessionErrorCode
  /**
   * The Response `withSession` answers with for this error, as Hono's `HTTPException` carries its
   * own: on what `getSession` throws when `onInvalid` chose a Response for a rejected token, or a
   * store failed (`503` with `Retry-After`, or what `onStoreError` returned). A handler or an
   * adapter whose framework catches the error first sends it as it is. `undefined`: the error
   * propagates.
   */
  readonly response: Response | undefined

  constructor(code: SessionErrorCode, message: string, options?: SessionErrorOptions) {
    super(message, options)
    this.name = 'SessionError'
    this.code = code
    this.response = options?.response
  }
}

/** What a `SessionError` may carry besides its message. */
export interface SessionErrorOptions {
  cause?: unknown
  /** The Response `withSession` answers with when this error leaves the handler. */
  response?: Response
}

/** Why a token was turned down; `onInvalid` receives it. */
export type DecodeErrorReason =
  /** Not of the codec's shape: bad segments, non-canonical base64, not JSON, not an object. */
  | 'malformed'
  /** The signature or authentication tag did not verify under any configured key. */
  | 'signature'
  /** Past its absolute lifetime (`maxAge`, `exp`). */
  | 'expired'
  /** Unused for longer than `idleTimeout`. */
  | 'idle'
  /** Issued in the future, or not valid yet (`nbf`). */
  | 'future'
  /** A claim the codec checks (`iss`, `aud`, the algorithm) did not match. */
  | 'claim'
  /** The server-side record is gone or was never there. */
  | 'unknown'
  /** Rejected by the application (`validAfter`). */
  | 'revoked'
  /**
   * Planted by another host: a `__Host-` cookie name that a request presents more than once, or
   * inside another cookie's value. Thrown by `cookieAuthorization`; no codec sees the value.
   */
  | 'injected'
  /**
   * A device-bound session (`withSession`'s `deviceBound`) presented without a valid bound cookie
   * for it (a copied token whose bound cookie expired), or an unbound session where the policy
   * requires binding. The token is not cleared.
   */
  | 'unbound'

/**
 * Thrown by a codec's `decode` for a token that is not valid. `withSession` catches it, starts an
 * empty session and reports it to `options.onInvalid`.
 *
 * @example
 * decode(token) {
 *   if (!token.startsWith('v1.')) throw new DecodeError('malformed', 'unknown token version')
 *   return JSON.parse(atob(token.slice(3)))
 * }
 */
export class DecodeError extends SessionError {
  readonly reason: DecodeErrorReason

  constructor(reason: DecodeErrorReason, message?: string, options?: SessionErrorOptions) {
    super('ERR_SESSION_INVALID', message ?? `session token is not valid (${reason})`, options)
    this.name = 'DecodeError'
    this.reason = reason
  }
}
