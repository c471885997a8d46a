/** @module The three backend interfaces: codec, storage and authorization. */

/** What a session holds: a JSON object. */
export type SessionData = Record<string, unknown>

/**
 * Per-session scratch space shared by the codec, the storage and `withSession` for one request.
 * A codec fills it on `decode` and reads it on `encode`; a codec that needs none of it ignores it.
 */
export interface CodecContext {
  /** When the session began (ms since the epoch); kept across re-encodes for absolute lifetimes. */
  created?: number
  /** Set by `decode` when the token should be issued again although the data did not change. */
  renew?: boolean
  /** Set by `encode`: seconds from now for which the new token stays valid (a cookie's Max-Age). */
  maxAge?: number
  /** The session id of a server-side session. */
  id?: string
}

/**
 * Turns session data into a token and back (starlette-session-middleware's codec backend).
 *
 * @example
 * const base64Codec: CodecBackend = {
 *   encode: (data) => btoa(JSON.stringify(data)),
 *   decode: (token) => {
 *     try { return JSON.parse(atob(token)) } catch (cause) { throw new DecodeError('malformed', undefined, { cause }) }
 *   },
 * }
 */
export interface CodecBackend {
  /** Returns the token for `data`. */
  encode(data: SessionData, context: CodecContext): string | Promise<string>
  /**
   * Returns the data behind `token`. Throws `DecodeError` for a token that is not valid; any other
   * error (a store that is down) fails the request.
   */
  decode(token: string, context: CodecContext): SessionData | Promise<SessionData>
  /** Forgets whatever the server keeps for `token` (server-side codecs only). */
  destroy?(token: string, context: CodecContext): void | Promise<void>
}

/**
 * Delivers a token to the client on a response (starlette-session-middleware's storage backend).
 *
 * @example
 * const echoStorage: StorageBackend = {
 *   persist: (headers, token) => headers.set('x-session', token),
 *   clear: (headers) => headers.set('x-session', ''),
 * }
 */
export interface StorageBackend {
  /** Writes `token` onto the response headers; `request` is the one being answered. */
  persist(headers: Headers, token: string, context: CodecContext, request?: Request): void
  /** Tells the client to forget its token. */
  clear(headers: Headers, request?: Request): void
}

/**
 * Finds the token a request presents (starlette-session-middleware's authorization backend).
 *
 * @example
 * const queryAuthorization: AuthorizationBackend = {
 *   getToken: (request) => new URL(request.url).searchParams.get('session') ?? undefined,
 * }
 */
export interface AuthorizationBackend {
  /** Returns the token, or `undefined` when the request presents none. */
  getToken(request: Request): string | undefined
}

/** A full backend set. When `authorization` is a list, the first backend that yields a token wins. */
export interface SessionBackends {
  codec: CodecBackend
  storage: StorageBackend
  authorization: AuthorizationBackend | readonly AuthorizationBackend[]
}

/** What a codec's `decodeSession` returns: the data, and what `withSession` needs beyond it. */
export interface DecodedSession {
  data: SessionData
  /** Seconds since the epoch, never later than the real start; undefined if unknown. */
  started?: number
  /** Re-issue although unchanged. */
  renew?: boolean
  /** Server-side id. */
  id?: string
  /** Per-session lifetime the token carries. */
  maxAge?: number
  /** Opaque, handed back in `SessionWrite.previous`. */
  state?: unknown
}

/** What `encodeSession` is told about the write. */
export interface SessionWrite {
  /** Absent: new or regenerated session. */
  previous?: DecodedSession
  /** Server-side id to write under. */
  id?: string
  /** Per-session lifetime, seconds, within the codec's maximum. */
  maxAge?: number
}

/** What `encodeSession` returns. */
export interface EncodedSession {
  token: string
  /** Seconds the token stays valid: cookie Max-Age. */
  maxAge?: number
  started?: number
  id?: string
}
