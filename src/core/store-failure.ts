/** @module What withSession answers when the session store fails: 503 unless the app chose. Internal. */
import { SessionError } from '../errors.ts'

/** Seconds a client is asked to wait before retrying after a store failure. */
const RETRY_AFTER = '1'

/**
 * The response for `error` when it is a store failure (`ERR_SESSION_STORE`): what `choose`
 * returns when it returns a Response, else, with no `choose`, `503 Service Unavailable` with
 * `Retry-After`. `undefined`: the error is not a store failure, or the app lets it propagate.
 */
export function storeFailureResponse(
  error: unknown,
  request: Request,
  choose: ((error: SessionError, request: Request) => unknown) | undefined,
): Response | undefined {
  if (!(error instanceof SessionError) || error.code !== 'ERR_SESSION_STORE') return undefined
  if (choose !== undefined) {
    const answer = choose(error, request)
    return answer instanceof Response ? answer : undefined
  }
  return new Response('Service Unavailable', {
    status: 503,
    headers: {
      'retry-after': RETRY_AFTER,
      'cache-control': 'no-store',
      'content-type': 'text/plain; charset=utf-8',
    },
  })
}
