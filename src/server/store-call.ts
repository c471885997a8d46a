/** @module Every store call under a deadline: a timer, an AbortSignal, one error code. Internal. */
import { SessionError } from '../errors.ts'
import { type OptionRule, secondsBetweenRule } from '../lib/options.ts'
import type { StoreCall } from './types.ts'

/** Seconds a store call may take by default: long past a healthy store's worst case. */
export const DEFAULT_STORE_TIMEOUT = 2

/** Runs one store call under its deadline; a failure or timeout is `ERR_SESSION_STORE`. */
export type StoreGuard = <T>(operation: string, run: (call: StoreCall) => Promise<T>) => Promise<T>

/** The `timeout` option: seconds (fractions allowed) from 0.001 to 60, default 2. */
export const timeoutRule: OptionRule<number> = secondsBetweenRule(0.001, 60, DEFAULT_STORE_TIMEOUT)

/**
 * A guard that gives every call `timeout` seconds. When they pass, the call's signal aborts and
 * the request fails at once, whatever the store's client does; the store was handed the deadline,
 * so a write still in flight is refused when it reaches the server.
 */
export function storeGuard(timeout: number): StoreGuard {
  const ms = Math.max(1, Math.round(timeout * 1000))
  return async <T>(operation: string, run: (call: StoreCall) => Promise<T>): Promise<T> => {
    const controller = new AbortController()
    const deadline = Date.now() + ms
    let timer: ReturnType<typeof setTimeout> | undefined
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new SessionError(
          'ERR_SESSION_STORE',
          `session store ${operation} timed out after ${ms} ms`,
        )
        controller.abort(error)
        reject(error)
      }, ms)
    })
    const call = Promise.resolve().then(() => run({ signal: controller.signal, deadline }))
    // The loser of the race settles later: its outcome is already decided, so it is dropped.
    call.catch(() => undefined)
    try {
      return await Promise.race([call, expired])
    } catch (cause) {
      if (cause instanceof SessionError && cause.code === 'ERR_SESSION_STORE') throw cause
      throw new SessionError('ERR_SESSION_STORE', `session store ${operation} failed`, { cause })
    } finally {
      if (timer !== undefined) clearTimeout(timer)
    }
  }
}
