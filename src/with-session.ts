/** @module withSession and getSession: load on demand, run the handler, commit. */
import type {
  AuthorizationBackend,
  CodecContext,
  SessionBackends,
  SessionData,
} from './backends.ts'
import { DecodeError, SessionError } from './errors.ts'
import { Session, type SessionRecord } from './session.ts'

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
   * that started earlier, or whose codec cannot tell when it started, is turned down with reason
   * `revoked`. Compared in whole seconds, the resolution of token times.
   */
  validAfter?: (
    data: SessionData,
    request: Request,
  ) => number | undefined | Promise<number | undefined>
}

/** A backend set, or a function that builds one from the handler's arguments (a Workers `env`). */
export type BackendsInit<Rest extends unknown[]> =
  | SessionBackends
  | ((request: Request, ...rest: Rest) => SessionBackends)

interface Loaded {
  session: Session
  record: SessionRecord
  /** The valid token the request presented. */
  token: string | undefined
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
  if (typeof backends !== 'function') checkBackends(backends)
  return async function sessionHandler(request: Request, ...rest: Rest): Promise<Res> {
    const state = new RequestSession(request, rest, backends as BackendsInit<unknown[]>, options)
    attach(request, state)
    let response: Res
    try {
      response = await handler(request, ...rest)
    } catch (error) {
      const answer = error instanceof DecodeError ? answers.get(error) : undefined
      if (answer === undefined) throw error
      return answer as Res
    }
    return state.touched ? state.commit(response) : response
  }
}

/**
 * The session of a request that `withSession` wrapped. The token is decoded on the first call only.
 *
 * @example
 * const session = await getSession<{ user?: string }>(request)
 * if (!session.get('user')) return Response.redirect(new URL('/login', request.url), 303)
 */
export function getSession<Data extends object = SessionData>(
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
        typeof init === 'function' ? checkBackends(init(this.request, ...this.rest)) : init
    }
    return this.#backends
  }

  /** Whether the handler asked for the session. */
  get touched(): boolean {
    return this.#loaded !== undefined
  }

  async session(): Promise<Session> {
    this.#loaded ??= this.#load()
    return (await this.#loaded).session
  }

  async #load(): Promise<Loaded> {
    const { codec, authorization } = this.backends()
    try {
      const presented = readToken(authorization, this.request)
      if (presented !== undefined) {
        const context: CodecContext = {}
        const data = await codec.decode(presented, context)
        if (!isPlainObject(data))
          throw new DecodeError('malformed', 'session data is not an object')
        if (this.options.validAfter !== undefined) await this.#checkRevocation(data, context)
        const record: SessionRecord = { data, rotate: false, context }
        return {
          session: new Session(record, false),
          record,
          token: presented,
          snapshot: serialize(data),
        }
      }
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error
      const answer = this.options.onInvalid?.(error, this.request)
      if (answer instanceof Response) {
        answers.set(error, answer)
        throw error
      }
    }
    const record: SessionRecord = { data: {}, rotate: false, context: {} }
    return { session: new Session(record, true), record, token: undefined, snapshot: '{}' }
  }

  async #checkRevocation(data: SessionData, context: CodecContext): Promise<void> {
    const after = await this.options.validAfter?.(data, this.request)
    if (after === undefined) return
    const started = context.created
    if (started === undefined || Math.floor(started / 1000) < Math.floor(after / 1000)) {
      throw new DecodeError('revoked')
    }
  }

  async commit<Res extends Response | undefined>(response: Res): Promise<Res> {
    if (this.#loaded === undefined || response === undefined || response.status === 101) {
      return response
    }
    let loaded: Loaded
    try {
      loaded = await this.#loaded
    } catch {
      // Loading failed and the handler answered anyway: there is nothing to commit.
      return response
    }
    const { record, token, snapshot } = loaded
    const { codec, storage } = this.backends()
    const empty = isEmpty(record.data)
    // Emptied, destroyed or regenerated: the record behind the old token goes (server-side codecs).
    if (token !== undefined && (record.rotate || (empty && snapshot !== '{}'))) {
      await codec.destroy?.(token, record.context)
    }
    if (empty) {
      if (token === undefined || (snapshot === '{}' && !record.rotate)) return response
      const copy = copyResponse(response)
      storage.clear(copy.headers, this.request)
      return markPrivate(copy) as Res
    }
    if (!record.rotate && !record.context.renew && JSON.stringify(record.data) === snapshot) {
      return response
    }
    const context: CodecContext = record.rotate ? {} : record.context
    const issued = await codec.encode(record.data, context)
    record.context = context
    const copy = copyResponse(response)
    storage.persist(copy.headers, issued, context, this.request)
    return markPrivate(copy) as Res
  }
}

function readToken(
  authorization: AuthorizationBackend | readonly AuthorizationBackend[],
  request: Request,
): string | undefined {
  if (!Array.isArray(authorization))
    return (authorization as AuthorizationBackend).getToken(request)
  for (const backend of authorization as readonly AuthorizationBackend[]) {
    const token = backend.getToken(request)
    if (token !== undefined) return token
  }
  return undefined
}

function checkBackends(backends: SessionBackends): SessionBackends {
  const { codec, storage, authorization } = backends ?? {}
  const list = Array.isArray(authorization) ? authorization : [authorization]
  if (
    typeof codec?.encode !== 'function' ||
    typeof codec.decode !== 'function' ||
    typeof storage?.persist !== 'function' ||
    typeof storage.clear !== 'function' ||
    list.length === 0 ||
    !list.every((backend) => typeof backend?.getToken === 'function')
  ) {
    throw new SessionError(
      'ERR_SESSION_CONFIG',
      'withSession() needs { codec, storage, authorization } backends',
    )
  }
  return backends
}

/** The snapshot of decoded data; data JSON cannot write again (nested too deep) is a bad token. */
function serialize(data: SessionData): string {
  try {
    return JSON.stringify(data)
  } catch (cause) {
    throw new DecodeError('malformed', 'session data cannot be serialized', { cause })
  }
}

function isPlainObject(value: unknown): value is SessionData {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isEmpty(data: SessionData): boolean {
  for (const _ in data) return false
  return true
}

/**
 * A copy of the response whose headers we may change: `Response.redirect()` and `fetch()` results
 * have immutable headers, and a handler may return one Response object to many requests (a
 * bodiless constant), which must never carry one user's cookie to another. Copying a string body
 * turns it into a stream and costs a Node server throughput (BENCHMARKS.md measures it); writing
 * in place would need to know the body is not shared, and on @hono/node-server merely asking for
 * `response.body` costs the same.
 */
function copyResponse(response: Response): Response {
  return new Response(response.body, response)
}

function markPrivate(response: Response): Response {
  if (!response.headers.has('cache-control')) {
    response.headers.set('cache-control', 'private, no-store')
  }
  return response
}
