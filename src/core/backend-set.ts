/** @module A backend set: checked once, and asked for the tokens a request presents. Internal. */
import type { AuthorizationBackend, SessionBackends } from '../backends.ts'
import { configError, isPlainObject, optionsObject } from '../lib/options.ts'

/** The tokens of the first authorization backend that finds any, best first. */
export function readTokens(
  authorization: AuthorizationBackend | readonly AuthorizationBackend[],
  request: Request,
): string[] {
  const list = Array.isArray(authorization) ? authorization : [authorization]
  for (const backend of list as readonly AuthorizationBackend[]) {
    if (backend.getTokens !== undefined) {
      const tokens = backend.getTokens(request)
      if (tokens.length > 0) return tokens
      continue
    }
    const token = backend.getToken(request)
    if (token !== undefined) return [token]
  }
  return []
}

/** Backends are built per request and must be ready at once: an await there would cost every request. */
export const ASYNC_BUILDER: string =
  'the backends function must return { codec, storage, authorization } itself, not a Promise: ' +
  'await what it needs (a Redis client) once, before withSession(), and return backends that use it'

/** Refuses an `async` backends builder at construction, naming the fix. */
export function checkBuilder(builder: (...args: never[]) => unknown): void {
  if (builder.constructor?.name === 'AsyncFunction') configError('withSession', ASYNC_BUILDER)
}

/**
 * Checks a backend set at construction; `needsStart`: `validAfter` is on, so the codec must report
 * starts; `needsBinding`: `deviceBound` is on, so the codec must carry the device key.
 */
export function checkBackends(
  backends: SessionBackends,
  needsStart: boolean,
  needsBinding = false,
): SessionBackends {
  if (typeof (backends as { then?: unknown })?.then === 'function') {
    configError('withSession', ASYNC_BUILDER)
  }
  if (isPlainObject(backends)) {
    for (const key of ['onInvalid', 'validAfter', 'onStoreError']) {
      if (Object.hasOwn(backends, key)) {
        configError(
          'withSession backends',
          `${key} is an option of withSession, not a backend: pass it as the third argument, ` +
            `withSession(handler, backends, { ${key} })`,
        )
      }
    }
    optionsObject('withSession backends', backends, { codec: 1, storage: 1, authorization: 1 })
  }
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
    configError(
      'withSession',
      `backends need ${[
        typeof codec?.encode !== 'function' || typeof codec.decode !== 'function' ? 'a codec' : '',
        typeof storage?.persist !== 'function' || typeof storage.clear !== 'function'
          ? 'a storage'
          : '',
        list.length === 0 || !list.every((backend) => typeof backend?.getToken === 'function')
          ? 'an authorization'
          : '',
      ]
        .filter(Boolean)
        .join(', ')} backend: { codec: signedCodec({ secrets }), ...cookie() }`,
    )
  }
  if (needsStart && codec.reportsStart !== true) {
    configError(
      'withSession',
      'validAfter needs a codec that reports when a session started (reportsStart)',
    )
  }
  if (needsBinding && codec.carriesBinding !== true) {
    configError(
      'withSession',
      'deviceBound needs a codec that keeps the device key beside the data (carriesBinding)',
    )
  }
  return backends
}
