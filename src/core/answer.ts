/** @module What withSession answers instead of the handler; the error carries it. Internal. */
import { DecodeError, SessionError } from '../errors.ts'
import { commitHeaders } from './commit.ts'
import { storeFailureResponse } from './store-failure.ts'

/** `onStoreError`: the app's choice of answer for a store failure. */
type StoreErrorChoice = ((error: SessionError, request: Request) => unknown) | undefined

/**
 * What `getSession` throws for a load failure: a rejected token whose `onInvalid` chose `answer`,
 * or a store failure (its answer decided now, so `onStoreError` is asked once), as a new error
 * carrying its Response through the commit's door for `owner`. Any other error as it is.
 */
export function loadFailure(
  error: unknown,
  request: Request,
  owner: object,
  onStoreError: StoreErrorChoice,
  answer?: Response,
): unknown {
  if (!(error instanceof SessionError)) return error
  if (answer === undefined) {
    if (error.code !== 'ERR_SESSION_STORE') return error
    answer = storeFailureResponse(error, request, onStoreError)
  }
  return carrying(error, commitHeaders(answer, owner, undefined))
}

/**
 * The Response for an error out of the handler, or `undefined` to let it propagate: the one it
 * carries, else a store failure's, unless it is the load failure `reported` (decided then).
 */
export function answerFor(
  error: unknown,
  request: Request,
  onStoreError: StoreErrorChoice,
  reported: unknown,
): Response | undefined {
  if (error instanceof SessionError && error.response !== undefined) return error.response
  if (error === reported) return undefined
  return storeFailureResponse(error, request, onStoreError)
}

/**
 * A copy of `error` that carries `response`. Always a new object for this one request: a codec or
 * a store may throw one error object for many requests, and each must carry its own answer.
 */
function carrying(error: SessionError, response: Response | undefined): SessionError {
  const options = error.cause === undefined ? { response } : { cause: error.cause, response }
  return error instanceof DecodeError
    ? new DecodeError(error.reason, error.message, options)
    : new SessionError(error.code, error.message, options)
}
