/** @module Commands, and scripts under a deadline, for any Redis client shape. Internal. */
import { utf8 } from '../lib/base64url.ts'
import { configError } from '../lib/options.ts'
import { serverClock } from '../store.ts'
import { clusterRefresh, isRedisReply } from './redis-cluster-refresh.ts'
import type { StoreCall } from './types.ts'

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
 * or within what is left of the call's deadline. `undefined` when `replicas` is 0.
 */
export function replicaWait(
  run: RedisRun,
  replicas: number,
  timeout: number | undefined,
): ((key: string, call: StoreCall | undefined) => Promise<void>) | undefined {
  if (replicas === 0) return undefined
  return async (key, call) => {
    const left = call === undefined ? REPLICA_WAIT : call.deadline - Date.now()
    // WAIT 0 would wait for ever: at least 1 ms.
    const ms = Math.max(
      1,
      Math.floor(Math.min(left, timeout === undefined ? left : timeout * 1000)),
    )
    const confirmed = Number(await run(key, ['WAIT', String(replicas), String(ms)], call?.signal))
    if (!(confirmed >= replicas)) {
      throw new Error(
        `redisStore: ${confirmed} of ${replicas} replicas confirmed the write in ${ms} ms`,
      )
    }
  }
}

/**
 * How far the Redis clock is ahead of this one, in ms, re-measured once a minute (the toolkit's
 * `serverClock` over `TIME`): never more than the true offset, so a deadline carried to Redis is
 * never later than the real one.
 */
export function redisClockOffset(run: RedisRun): (signal?: AbortSignal) => Promise<number> {
  return serverClock(async (signal) => {
    const [seconds, micros] = (await run(undefined, ['TIME'], signal)) as [unknown, unknown]
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)
  }).offset
}

/**
 * The start of every write script: compares the call's deadline (ARGV[1], ms on Redis's clock; 0:
 * none) with TIME, so a command that reaches Redis after its request gave up changes nothing.
 */
export const DEADLINE = `local d = tonumber(ARGV[1])
if d > 0 then
  local t = redis.call('TIME')
  if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > d then
    return redis.error_reply('DEADLINE session store write arrived after its deadline')
  end
end
`

/** Runs a one-key Lua script; its ARGV[1] is the call's deadline on Redis's clock, then `args`. */
export type RedisScript = (
  source: string,
  key: string,
  args: string[],
  call?: StoreCall,
) => Promise<unknown>

/**
 * Scripts for `run`: EVALSHA, falling back to EVAL once after a restart or SCRIPT FLUSH emptied
 * the script cache. A script that starts with `DEADLINE` refuses to run after `call.deadline`.
 */
export function redisScripts(run: RedisRun): RedisScript {
  const offset = redisClockOffset(run)
  const scripts = new Map<string, Promise<string>>()
  return async (source, key, args, call) => {
    let sha = scripts.get(source)
    if (sha === undefined) {
      sha = sha1(source)
      scripts.set(source, sha)
    }
    const deadline =
      call === undefined ? 0 : Math.floor(call.deadline + (await offset(call.signal)))
    const argv = [String(deadline), ...args]
    try {
      return await run(key, ['EVALSHA', await sha, '1', key, ...argv], call?.signal)
    } catch (error) {
      if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error
      return run(key, ['EVAL', source, '1', key, ...argv], call?.signal)
    }
  }
}

async function sha1(source: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-1', utf8(source)))
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('')
}
