/** @module Deadlines in a store: refusing a late write here, or carrying the deadline to the server. */
import type { StoreCall } from './types.ts'

/**
 * The error a store throws when a call's deadline passed before its write could land. Throw it
 * (or any error) from the store: `storeCodec` fails the request with `ERR_SESSION_STORE`.
 *
 * @example
 * const response = await stub.fetch(url, { method: 'POST', body })
 * if (response.status === 409) throw deadlinePassed('patch') // the object refused a late write
 */
export function deadlinePassed(operation: string): Error {
  return new Error(`session store ${operation} refused: its deadline had passed`)
}

/**
 * Throws `deadlinePassed(operation)` when `call` carries a deadline that this process's clock
 * has passed. For a store whose server cannot compare times, call it as the last step before the
 * write is sent (after any read of a read-modify-write), so only the write's own round trip is
 * left open. A server that can compare times should do so itself: see `serverClock`.
 *
 * @example
 * async delete(id, call) {
 *   checkDeadline(call, 'delete')
 *   await db.delete(id)
 * }
 */
export function checkDeadline(
  call: { readonly deadline?: number } | undefined,
  operation: string,
): void {
  if (call?.deadline !== undefined && Date.now() > call.deadline) throw deadlinePassed(operation)
}

/** A server's clock as seen from this process: see `serverClock`. */
export interface ServerClock {
  /**
   * Milliseconds the server's clock is ahead of this process's (negative: behind), re-measured
   * once a minute. Never more than the true offset, so a deadline carried to the server is never
   * later than the real one.
   */
  offset(signal?: AbortSignal): Promise<number>
  /** `call.deadline` on the server's clock, in whole milliseconds; `undefined` without a call. */
  deadline(call: StoreCall | undefined): Promise<number | undefined>
}

/** A measurement slower than this is used once, not kept: its error bound is too wide. */
const SLOW_MEASUREMENT = 250
/** How long a measurement is kept. */
const REMEASURE = 60_000

/**
 * For a store whose server compares the deadline with its own clock (a Lua script reading
 * `TIME`, SQL comparing `clock_timestamp()`): `readTime` asks the server for its time in
 * milliseconds since the epoch, and `deadline(call)` gives the call's deadline on that clock, so
 * clock skew between this process and the server neither refuses writes in time nor admits late
 * ones. The offset is taken as the server's time minus the moment its answer arrived; a failed
 * measurement is tried again by the next call.
 *
 * @example
 * const clock = serverClock(async (signal) => {
 *   const [seconds, micros] = (await redis.sendCommand(['TIME'], { abortSignal: signal })) as string[]
 *   return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)
 * })
 * // Each write script gets the deadline on Redis's clock and compares it with TIME first.
 * await redis.sendCommand(['EVALSHA', sha, '1', key, String((await clock.deadline(call)) ?? 0), ...args])
 */
export function serverClock(readTime: (signal?: AbortSignal) => Promise<number>): ServerClock {
  let measured: { at: number; offset: Promise<number> } | undefined
  function offset(signal?: AbortSignal): Promise<number> {
    const now = Date.now()
    if (measured === undefined || now - measured.at > REMEASURE) {
      const entry = { at: now, offset: Promise.resolve(0) }
      entry.offset = (async () => {
        const before = Date.now()
        const time = await readTime(signal)
        const after = Date.now()
        if (after - before > SLOW_MEASUREMENT && measured === entry) measured = undefined
        if (!Number.isFinite(time)) throw new Error('serverClock: the server time is not a number')
        return time - after
      })()
      measured = entry
      entry.offset.catch(() => {
        if (measured === entry) measured = undefined
      })
    }
    return measured.offset
  }
  return {
    offset,
    async deadline(call: StoreCall | undefined): Promise<number | undefined> {
      if (call === undefined) return undefined
      return Math.floor(call.deadline + (await offset(call.signal)))
    },
  }
}
