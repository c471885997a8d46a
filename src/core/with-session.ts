/** @module withSession and getSession: load on demand, run the handler, commit. */
import type {
  CodecBackend,
  DecodedSession,
  EncodedSession,
  SessionBackends,
  SessionData,
} from '../backends.ts'
import { DecodeError, SessionError } from '../errors.ts'
import { dataJson, isEmpty, serialize } from '../lib/json.ts'
import { checkOptions, configError, functionRule, isPlainObject } from '../lib/options.ts'
import { ASYNC_BUILDER, checkBackends, readTokens } from './backend-set.ts'
import { commitHeaders, privateResponse } from './commit.ts'
import { addLayer, asOwner, outerOwner } from './layers.ts'
import { type JsonData, Session, type SessionRecord } from './session.ts'
import { storeFailureResponse } from './store-failure.ts'

/** Options of `withSession` that apply whatever the backends. */
export interface SessionOptions {
  /**
   * Called when a request presents a token that does not decode (bad signature, expired, garbage).
   * The request goes on with an empty session, unless this returns a `Response`: then
   * `getSession` throws the `DecodeError` and `withSession` answers with that response instead
   * (an API's 401 with `WWW-Authenticate`). Let the error propagate out of the handler.
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
   * Called when a server-side store fails or misses its deadline (`ERR_SESSION_STORE`), while
   * loading or committing. Return a `Response` to answer with it; return anything else to let the
   * error propagate. Without this option the answer is `503 Service Unavailable` with
   * `Retry-After: 1`; nothing was committed.
   */
  onStoreError?: (error: SessionError, request: Request) => unknown
}

/** The options of `withSession`, each a function when given. */
const SESSION_OPTIONS = {
  onInvalid: functionRule<NonNullable<SessionOptions['onInvalid']>>(),
  validAfter: functionRule<NonNullable<SessionOptions['validAfter']>>(),
  onStoreError: functionRule<NonNullable<SessionOptions['onStoreError']>>(),
}

/** A backend set, or a function that builds one from the handler's arguments (a Workers `env`). */
export type BackendsInit<Rest extends unknown[]> =
  | SessionBackends
  | ((request: Request, ...rest: Rest) => SessionBackends)

interface Loaded {
  session: Session
  record: SessionRecord
  /** The valid token the request presented, and what the codec said of it. */
  token: string | undefined
  decoded: DecodedSession | undefined
  /** The request presented a token that did not decode: clear it once. */
  invalid: boolean
  /** The data as decoded, serialized, to see whether the handler changed it. */
  snapshot: string
}

/**
 * A request finds its session through a symbol-keyed property: measurably cheaper per request than
 * a WeakMap entry. A runtime whose Request objects refuse new properties falls back to the WeakMap.
 */
const STATE: unique symbol = Symbol('fetch-session')
const fallback = new WeakMap<Request, RequestSession>()
/** The response an `onInvalid` chose for a rejected token, sent instead of the handler's. */
const answers = new WeakMap<DecodeError, Response>()
type Tagged = Request & { [STATE]?: RequestSession }

function attach(request: Request, state: RequestSession): void {
  try {
    ;(request as Tagged)[STATE] = state
  } catch {
    // A non-extensible Request: the WeakMap below takes over.
  }
  if ((request as Tagged)[STATE] !== state) fallback.set(request, state)
}

/**
 * Wraps a fetch handler so that `getSession(request)` works inside it. The returned handler takes
 * the same arguments.
 *
 * @example
 * export default {
 *   fetch: withSession(async (request: Request) => {
 *     const session = await getSession<{ count: number }>(request)
 *     session.set('count', (session.get('count') ?? 0) + 1)
 *     return new Response(`count ${session.get('count')}`)
 *   }, { codec: signedCodec({ secrets: [SECRET] }), ...cookie({ name: '__Host-session' }) }),
 * }
 */
export function withSession<Rest extends unknown[], Res extends Response | undefined>(
  handler: (request: Request, ...rest: Rest) => Res | Promise<Res>,
  backends: BackendsInit<Rest>,
  options: SessionOptions = {},
): (request: Request, ...rest: Rest) => Promise<Res> {
  options = checkOptions('withSession', options ?? null, SESSION_OPTIONS)
  if (typeof backends !== 'function') checkBackends(backends, options.validAfter !== undefined)
  else if (backends.constructor?.name === 'AsyncFunction') configError('withSession', ASYNC_BUILDER)
  addLayer()
  return async function sessionHandler(request: Request, ...rest: Rest): Promise<Res> {
    const outer = outerOwner()
    const state = new RequestSession(request, rest, backends as BackendsInit<unknown[]>, options)
    // Every layer under the outermost one writes for the same owner, so their cookies add up.
    state.owner = outer ?? state
    attach(request, state)
    try {
      const response =
        outer === undefined
          ? await asOwner(state, () => handler(request, ...rest))
          : await handler(request, ...rest)
      return await state.commit(response)
    } catch (error) {
      const answer =
        error instanceof DecodeError
          ? answers.get(error)
          : storeFailureResponse(error, request, options.onStoreError)
      if (answer === undefined) throw error
      // Through the same door as a commit: an answer that another request wrote on (a shared
      // `onInvalid` Response) leaves as a copy with that request's headers undone.
      return commitHeaders(answer as Res, state.owner, undefined)
    }
  }
}

/**
 * The session of a request that `withSession` wrapped. The token is decoded on the first call only.
 *
 * @example
 * const session = await getSession<{ user?: string }>(request)
 * if (!session.get('user')) return Response.redirect(new URL('/login', request.url), 303)
 */
export function getSession<Data extends JsonData<Data> = SessionData>(
  request: Request,
): Promise<Session<Data>> {
  const state = (request as Tagged)[STATE] ?? fallback.get(request)
  if (state === undefined) {
    return Promise.reject(
      new SessionError(
        'ERR_SESSION_MISSING',
        'getSession() needs a request wrapped by withSession()',
      ),
    )
  }
  return state.session() as Promise<Session<Data>>
}

class RequestSession {
  #loaded: Promise<Loaded> | undefined
  #backends: SessionBackends | undefined
  /** Whose writes a Response may carry: the outermost layer's state (this one when alone). */
  owner: object = this

  constructor(
    readonly request: Request,
    readonly rest: unknown[],
    readonly init: BackendsInit<unknown[]>,
    readonly options: SessionOptions,
  ) {}

  backends(): SessionBackends {
    if (this.#backends === undefined) {
      const init = this.init
      this.#backends =
        typeof init === 'function'
          ? checkBackends(init(this.request, ...this.rest), this.options.validAfter !== undefined)
          : init
    }
    return this.#backends
  }

  async session(): Promise<Session> {
    this.#loaded ??= this.#load()
    return (await this.#loaded).session
  }

  async #load(): Promise<Loaded> {
    const { codec, authorization } = this.backends()
    let invalid = false
    let candidates = 0
    try {
      let rejected: DecodeError | undefined
      const tokens = readTokens(authorization, this.request)
      candidates = tokens.length
      // The first candidate that decodes wins, so a stale cookie under another Path cannot lock a
      // user out; when none does, the first one's error is the one reported.
      for (const presented of tokens) {
        try {
          return await this.#open(presented)
        } catch (error) {
          if (!(error instanceof DecodeError)) throw error
          rejected ??= error
        }
      }
      if (rejected !== undefined) throw rejected
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error
      // Cleared once, so onInvalid does not hear it again; but only a lone token. A planted
      // cookie (`injected`), or one of several copies of a name (others under another Domain or
      // Path, beyond the candidates tried), is not: clearing writes our Path and Domain, which
      // deletes the victim's own cookie and leaves the planted ones in place.
      invalid = error.reason !== 'injected' && candidates === 1
      const answer = this.options.onInvalid?.(error, this.request)
      if (answer instanceof Response) {
        answers.set(error, answer)
        throw error
      }
    }
    const record = newRecord({}, codec.createId?.(), undefined, codec)
    const session = new Session(record, true)
    return { session, record, token: undefined, decoded: undefined, invalid, snapshot: '{}' }
  }

  /** Decodes one presented token into a loaded session; throws `DecodeError` for a bad one. */
  async #open(presented: string): Promise<Loaded> {
    const { codec } = this.backends()
    const decoded: DecodedSession = codec.decodeSession
      ? await codec.decodeSession(presented)
      : { data: await codec.decode(presented) }
    if (!isPlainObject(decoded?.data)) {
      throw new DecodeError('malformed', 'session data is not an object')
    }
    const snapshot = serialize(decoded.data)
    if (this.options.validAfter !== undefined) await this.#checkRevocation(decoded)
    const record = newRecord(decoded.data, decoded.id, decoded.maxAge, codec)
    const session = new Session(record, false)
    return { session, record, token: presented, decoded, invalid: false, snapshot }
  }

  async #checkRevocation({ data, started }: DecodedSession): Promise<void> {
    const after = await this.options.validAfter?.(data, this.request)
    if (after === undefined) return
    if (started === undefined || Math.floor(started) < Math.floor(after / 1000)) {
      throw new DecodeError('revoked')
    }
  }

  /** Writes what the handler changed onto its response; the session is read-only afterwards. */
  async commit<Res extends Response | undefined>(response: Res): Promise<Res> {
    if (this.#loaded === undefined) return commitHeaders(response, this.owner, undefined)
    let loaded: Loaded
    try {
      loaded = await this.#loaded
    } catch {
      // Loading failed and the handler answered anyway: nothing of this session to write.
      return commitHeaders(response, this.owner, undefined)
    }
    const { record } = loaded
    record.committed = true
    // A 101 upgrade, Response.error() and opaque responses carry no headers of ours.
    if (response === undefined || response.status === 101 || response.status === 0) {
      return commitHeaders(response, this.owner, undefined)
    }
    const write = await this.#write(loaded)
    if (write === undefined) return commitHeaders(response, this.owner, undefined)
    return commitHeaders(response, this.owner, (headers) => {
      const { storage, authorization } = this.backends()
      if (write === 'clear') storage.clear(headers, { request: this.request })
      else storage.persist(headers, write.token, { maxAge: write.maxAge, request: this.request })
      privateResponse(headers, authorization)
    })
  }

  /** Encodes a changed session, or says to clear the client's token; `undefined`: nothing to do. */
  async #write(
    loaded: Loaded,
  ): Promise<{ token: string; maxAge: number | undefined } | 'clear' | undefined> {
    const { record, token, decoded, snapshot } = loaded
    const { codec } = this.backends()
    const empty = isEmpty(record.data)
    // Emptied, destroyed or regenerated: the record behind the old token goes (server-side codecs).
    if (token !== undefined && (record.rotate || (empty && snapshot !== '{}'))) {
      await codec.destroy?.(token)
    }
    if (empty) {
      const held = token !== undefined && (snapshot !== '{}' || record.rotate)
      return held || loaded.invalid ? 'clear' : undefined
    }
    const json = dataJson(record.data)
    if (
      !record.rotate &&
      decoded?.renew !== true &&
      record.maxAge === decoded?.maxAge &&
      json === snapshot
    ) {
      return undefined
    }
    const write = {
      previous: record.rotate ? undefined : decoded,
      id: record.id,
      maxAge: record.maxAge,
      json,
    }
    const encoded: EncodedSession = codec.encodeSession
      ? await codec.encodeSession(record.data, write)
      : { token: await codec.encode(record.data) }
    record.id = encoded.id ?? record.id
    // The session's own lifetime bounds the cookie too, for codecs that cannot carry it.
    const own = record.maxAge
    const maxAge =
      own === undefined || (encoded.maxAge !== undefined && encoded.maxAge <= own)
        ? encoded.maxAge
        : own
    return { token: encoded.token, maxAge }
  }
}

function newRecord(
  data: SessionData,
  id: string | undefined,
  maxAge: number | undefined,
  codec: CodecBackend,
): SessionRecord {
  // Called as the codec's method, so a codec written as a class keeps its `this`.
  const createId = codec.createId === undefined ? undefined : () => codec.createId!()
  return { data, rotate: false, id, maxAge, committed: false, createId }
}
