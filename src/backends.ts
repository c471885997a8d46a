/** @module The three backend interfaces: codec, storage and authorization. */

/** What a session holds at run time: a JSON object. */
export type SessionData = Record<string, unknown>

/**
 * The device a session is bound to (`withSession`'s `deviceBound`): bookkeeping a codec keeps
 * beside the data, in the token's protected part or the store record, never in the data.
 */
export interface SessionBinding {
  /** The bound session's identifier, as the browser sends it (`Sec-Secure-Session-Id`). */
  id: string
  /** The device's public key (`kty` EC P-256 or RSA, public members only) and its `alg`. */
  jwk: DeviceKey
}

/** A device's public key as a JWK: ES256 (EC P-256) or RS256 (RSA), public members only. */
export type DeviceKey =
  | { kty: 'EC'; crv: 'P-256'; x: string; y: string; alg: 'ES256' }
  | { kty: 'RSA'; n: string; e: string; alg: 'RS256' }

/**
 * What a codec reports about a token besides its data, from `decodeSession`. Times are seconds
 * since the epoch, as in JWT claims.
 */
export interface DecodedSession<State = unknown> {
  /** The session data. */
  data: SessionData
  /**
   * When the session began (its first token), never later than the real start. `undefined` when
   * the codec cannot tell; `withSession`'s `validAfter` needs it.
   */
  started?: number
  /** Issue a token again although the data did not change (an idle renewal, an older key). */
  renew?: boolean
  /** The server-side session id, for codecs that keep the data on the server. */
  id?: string
  /** The per-session lifetime in seconds that the token carries (`session.setMaxAge`). */
  maxAge?: number
  /** The device the session is bound to, for codecs that carry one (`carriesBinding`). */
  binding?: SessionBinding
  /** What the codec wants back in `encodeSession` (`write.previous.state`): `withSession` never reads it. */
  state?: State
}

/** What `withSession` asks a codec to write, besides the data (`encodeSession`'s second argument). */
export interface SessionWrite<State = unknown> {
  /**
   * The decoded session this token continues. Absent for a new session and after `regenerate()`:
   * the codec then starts a new session (a new start time, a new id).
   */
  previous?: DecodedSession<State>
  /** The server-side id to write under: `previous.id`, or `createId()`'s for a new session. */
  id?: string
  /** The per-session lifetime in seconds (`session.setMaxAge`), within the codec's own maximum. */
  maxAge?: number
  /** The data as `JSON.stringify` writes it, when `withSession` already has it. */
  json?: string
  /** The device the session is bound to: written beside the data, read back as `binding`. */
  binding?: SessionBinding
}

/** A token and what the storage needs to know about it, from `encodeSession`. */
export interface EncodedSession {
  token: string
  /** Seconds from now for which the token stays valid (a cookie's Max-Age); `undefined`: no limit. */
  maxAge?: number
  /** When the session began, in seconds since the epoch. */
  started?: number
  /** The server-side session id. */
  id?: string
}

/**
 * Turns session data into a token and back (starlette-session-middleware's codec backend).
 * `encode` and `decode` are the whole contract, and work on their own: a CLI, a queue worker or a
 * test can call them. A codec that knows more (when a session began, when to re-issue a token,
 * a token's lifetime, a server-side id) also implements `decodeSession` and `encodeSession`,
 * which `withSession` prefers.
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
  /** Returns the token for `data`, as a new session. */
  encode(data: SessionData): string | Promise<string>
  /**
   * Returns the data behind `token`. Throws `DecodeError` for a token that is not valid; any other
   * error (a store that is down) fails the request.
   */
  decode(token: string): SessionData | Promise<SessionData>
  /** `decode`, plus what the codec knows about the session. */
  decodeSession?(token: string): DecodedSession | Promise<DecodedSession>
  /** `encode`, continuing the session `write.previous` (or starting a new one). */
  encodeSession?(data: SessionData, write: SessionWrite): EncodedSession | Promise<EncodedSession>
  /** Forgets whatever the server keeps for `token` (server-side codecs only). */
  destroy?(token: string): void | Promise<void>
  /** A fresh server-side id, so `session.id` is known in the request that creates the session. */
  createId?(): string
  /** True when `decodeSession` reports `started` for every valid token (`validAfter` needs it). */
  readonly reportsStart?: boolean
  /**
   * True when `encodeSession` keeps `write.binding` and `decodeSession` gives it back as `binding`
   * (`withSession`'s `deviceBound` needs it).
   */
  readonly carriesBinding?: boolean
}

/** What the built-in codecs return: every method of the contract there, and async. */
export interface SessionCodec<State = unknown> extends CodecBackend {
  encode(data: SessionData): Promise<string>
  decode(token: string): Promise<SessionData>
  decodeSession(token: string): Promise<DecodedSession<State>>
  encodeSession(data: SessionData, write: SessionWrite<State>): Promise<EncodedSession>
}

/** What `persist` needs besides the token. */
export interface PersistOptions {
  /** Seconds the token stays valid; a cookie's Max-Age. `undefined`: no limit. */
  maxAge?: number
  /** The request being answered (a cookie storage expires chunks it no longer needs). */
  request?: Request
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
  /** Writes `token` onto the response headers. */
  persist(headers: Headers, token: string, options?: PersistOptions): void
  /** Tells the client to forget its token. */
  clear(headers: Headers, options?: { request?: Request }): void
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
  /**
   * Every token the request presents, best first (a cookie name sent twice, under two Paths):
   * `withSession` takes the first that decodes. Optional; `getToken` is the one token otherwise.
   */
  getTokens?(request: Request): string[]
  /** The request header the token comes in; a response that carries a token names it in `Vary`. */
  readonly header?: string
}

/** A full backend set. When `authorization` is a list, the first backend that yields a token wins. */
export interface SessionBackends {
  codec: CodecBackend
  storage: StorageBackend
  authorization: AuthorizationBackend | readonly AuthorizationBackend[]
}

/**
 * The key under which `session.flash()` values travel inside the session data, so a server-side
 * codec can take them from its store in one atomic step (`SessionStore.take`).
 */
export const FLASH_KEY = '__flash__'
