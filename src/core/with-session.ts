/** @module withSession and getSession: load on demand, run the handler, commit. */
import type { SessionData } from '../backends.ts'
import { SessionError } from '../errors.ts'
import { checkOptions } from '../lib/options.ts'
import { answerFor } from './answer.ts'
import { checkBackends, checkBuilder } from './backend-set.ts'
import { commitHeaders } from './commit.ts'
import { deviceBoundEndpoint } from './device-bound/endpoints.ts'
import { deviceBound } from './device-bound/options.ts'
import { addLayer, asOwner, outerOwner } from './layers.ts'
import { RequestSession } from './request-session.ts'
import type { JsonData, Session } from './session.ts'
import {
  type BackendsInit,
  type DeviceBoundOptions,
  SESSION_OPTIONS,
  type SessionOptions,
} from './session-options.ts'

export type { BackendsInit, DeviceBoundOptions, SessionOptions }

/**
 * A request finds its session through a symbol-keyed property: measurably cheaper per request than
 * a WeakMap entry. A runtime whose Request objects refuse new properties falls back to the WeakMap.
 */
const STATE: unique symbol = Symbol('fetch-session')
const fallback = new WeakMap<Request, RequestSession>()
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
  const checked = checkOptions('withSession', options ?? null, SESSION_OPTIONS)
  const bound = deviceBound(checked.deviceBound)
  const needs = [checked.validAfter !== undefined, bound !== undefined] as const
  if (typeof backends !== 'function') checkBackends(backends, ...needs)
  else checkBuilder(backends)
  addLayer()
  return async function sessionHandler(request: Request, ...rest: Rest): Promise<Res> {
    const outer = outerOwner()
    const state = new RequestSession(
      request,
      rest,
      backends as BackendsInit<unknown[]>,
      checked,
      bound,
    )
    // Every layer under the outermost one writes for the same owner, so their cookies add up.
    state.owner = outer ?? state
    attach(request, state)
    // A device-bound session's registration and refresh are answered here, not by the handler.
    const endpoint = bound && deviceBoundEndpoint(bound, request)
    const run = endpoint ? () => endpoint(state) as Promise<Res> : () => handler(request, ...rest)
    try {
      const response = outer === undefined ? await asOwner(state, run) : await run()
      return await state.commit(response)
    } catch (error) {
      const answer = answerFor(error, request, checked.onStoreError, state.failure)
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
