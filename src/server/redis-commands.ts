/** @module One way to send a command to any Redis client shape redisStore takes. Internal. */
import { configError } from '../lib/options.ts'

/** What each command carries: the one key it touches (cluster routing) and the call's signal. */
export type RedisRun = (
  key: string | undefined,
  args: string[],
  signal: AbortSignal | undefined,
) => Promise<unknown>

type CommandOptions = { abortSignal?: AbortSignal } | undefined
type Send = (...args: unknown[]) => Promise<unknown>

/**
 * A runner for `client`: node-redis's single client `sendCommand(args, options)`, its cluster
 * client `sendCommand(firstKey, isReadonly, args, options)`, its sentinel client
 * `sendCommand(isReadonly, args, options)`, Bun's `send(command, args)`, or any object with
 * `sendCommand(args)`. Reads go to the primary too (`isReadonly: false`): a replica may still hold
 * a session that was just destroyed.
 */
export function redisRunner(client: unknown, owner: string): RedisRun {
  const candidate = client as Record<string, unknown> | null | undefined
  const sendCommand = candidate?.sendCommand
  const options = (signal: AbortSignal | undefined): CommandOptions =>
    signal === undefined ? undefined : { abortSignal: signal }
  if (typeof sendCommand === 'function') {
    const send = (sendCommand as Send).bind(client)
    if (
      typeof candidate?.getSlotRandomNode === 'function' ||
      typeof candidate?.getMasters === 'function'
    ) {
      return (key, args, signal) => send(key, false, args, options(signal))
    }
    if (typeof candidate?.getMasterNode === 'function') {
      return (_key, args, signal) => send(false, args, options(signal))
    }
    return (_key, args, signal) => (signal === undefined ? send(args) : send(args, options(signal)))
  }
  if (typeof candidate?.send === 'function') {
    const send = (candidate.send as Send).bind(client)
    return (_key, [command, ...args]) => send(command, args)
  }
  configError(
    owner,
    'needs a node-redis client (createClient, createCluster, createSentinel), a Bun RedisClient, ' +
      'or an object with sendCommand(args)',
  )
}

/** A measurement slower than this is used once, not kept: its error bound is too wide. */
const SLOW_MEASUREMENT = 250

/**
 * How far the Redis clock is ahead of this one, in ms, re-measured once a minute. Taken as
 * Redis's time minus the moment the reply arrived: never more than the true offset, so a deadline
 * carried to Redis is never later than the real one.
 */
export function redisClockOffset(run: RedisRun): (signal?: AbortSignal) => Promise<number> {
  let measured: { at: number; offset: Promise<number> } | undefined
  return (signal) => {
    const now = Date.now()
    if (measured === undefined || now - measured.at > 60_000) {
      const entry = { at: now, offset: Promise.resolve(0) }
      entry.offset = (async () => {
        const before = Date.now()
        const [seconds, micros] = (await run(undefined, ['TIME'], signal)) as [unknown, unknown]
        const after = Date.now()
        if (after - before > SLOW_MEASUREMENT && measured === entry) measured = undefined
        return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - after
      })()
      measured = entry
      // A failed measurement is measured again by the next call.
      entry.offset.catch(() => {
        if (measured === entry) measured = undefined
      })
    }
    return measured.offset
  }
}
