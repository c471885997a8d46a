/** @module One way to send a command to any Redis client shape redisStore takes. Internal. */
import { configError } from '../lib/options.ts'
import { clusterRefresh, isRedisReply } from './redis-cluster-refresh.ts'

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
      const refresh = clusterRefresh(candidate)
      return async (key, args, signal) => {
        // A command that fails without a reply from Redis, or is still waiting at its deadline
        // (a node being connected to), may be for a dead node: the slot map may have moved.
        signal?.addEventListener('abort', refresh, { once: true })
        try {
          return await send(key, false, args, options(signal))
        } catch (error) {
          if (!isRedisReply(error)) refresh()
          throw error
        } finally {
          signal?.removeEventListener('abort', refresh)
        }
      }
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

/** Without a deadline or a `replicaTimeout`, how long a write waits for its replicas. */
const REPLICA_WAIT = 1000

/**
 * What confirms a write on `replicas` replicas: `WAIT`, sent right after the write on the same
 * client, which counts the writes of its own connection (one per node for node-redis's
 * `createClient`, `createCluster`, and `createSentinel` with its default `masterPoolSize: 1`;
 * a pool may send it on another connection). Throws when fewer confirm within `timeout` seconds,
 * or within what is left of `deadline`. `undefined` when `replicas` is 0.
 */
export function replicaWait(
  run: RedisRun,
  replicas: number,
  timeout: number | undefined,
): ((key: string, signal?: AbortSignal, deadline?: number) => Promise<void>) | undefined {
  if (replicas === 0) return undefined
  return async (key, signal, deadline) => {
    const left = deadline === undefined ? REPLICA_WAIT : deadline - Date.now()
    // WAIT 0 would wait for ever: at least 1 ms.
    const ms = Math.max(
      1,
      Math.floor(Math.min(left, timeout === undefined ? left : timeout * 1000)),
    )
    const confirmed = Number(await run(key, ['WAIT', String(replicas), String(ms)], signal))
    if (!(confirmed >= replicas)) {
      throw new Error(
        `redisStore: ${confirmed} of ${replicas} replicas confirmed the write in ${ms} ms`,
      )
    }
  }
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
