/** @module What withSession answers when the session store fails: 503 unless the app chose. Internal. */
import { SessionError } from '../errors.ts'
import type { RequestEvents } from './events.ts'

/** Seconds a client is asked to wait before retrying after a store failure. */
const RETRY_AFTER = '1'

/**
 * The response for `error` when it is a store failure (`ERR_SESSION_STORE`): what `choose`
 * returns when it returns a Response, else, with no `choose`, `503 Service Unavailable` with
 * `Retry-After`. `undefined`: the error is not a store failure, or the app lets it propagate.
 * Every store failure is decided here once, so here it is reported (`store-failure`).
 */
export function storeFailureResponse(
  error: unknown,
  request: Request,
  choose: ((error: SessionError, request: Request) => unknown) | undefined,
  events?: RequestEvents,
): Response | undefined {
  if (!(error instanceof SessionError) || error.code !== 'ERR_SESSION_STORE') return undefined
  const answer = choose === undefined ? unavailable() : choose(error, request)
  const response = answer instanceof Response ? answer : undefined
  events?.emit({ type: 'store-failure', status: response?.status })
  return response
}

function unavailable(): Response {
  return new Response('Service Unavailable', {
    status: 503,
    headers: {
      'retry-after': RETRY_AFTER,
      'cache-control': 'no-store',
      'content-type': 'text/plain; charset=utf-8',
    },
  })
}
