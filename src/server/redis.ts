/** @module redisStore: server-side sessions in Redis, one hash per session, patched by Lua script. */
import {
  checkOptions,
  integerRule,
  laterRule,
  secondsBetweenRule,
  stringRule,
} from '../lib/options.ts'
import { indexEntryTtl, parseStoreIndexEntry } from '../store.ts'
import {
  DEADLINE,
  type RedisRun,
  redisRunner,
  redisScripts,
  replicaWait,
} from './redis-commands.ts'
import { type RedisSubscriber, redisRevocations } from './redis-revocations.ts'

export type { RedisSubscriber }

import type { SessionStore, StoreCall, StoreIndexEntry, StorePatch, StoreRecord } from './types.ts'

/** Options node-redis takes per command; the store passes the call's `AbortSignal`. */
export interface RedisCommandOptions {
  abortSignal?: AbortSignal
}

/** A node-redis v4/v5 client (`createClient`), or an adapter of that shape for any other client. */
export interface RedisCommandClient {
  sendCommand(args: string[], options?: RedisCommandOptions): Promise<unknown>
}

/** node-redis's cluster client (`createCluster`). */
export interface RedisClusterClient {
  sendCommand(
    firstKey: string | undefined,
    isReadonly: boolean | undefined,
    args: string[],
    options?: RedisCommandOptions,
  ): Promise<unknown>
  getSlotRandomNode(slot: number): unknown
}

/** node-redis's sentinel client (`createSentinel`). */
export interface RedisSentinelClient {
  sendCommand(
    isReadonly: boolean | undefined,
    args: string[],
    options?: RedisCommandOptions,
  ): Promise<unknown>
  getMasterNode(): unknown
}

/** Bun's built-in `RedisClient` (`import { RedisClient } from 'bun'`). */
export interface BunRedisClient {
  send(command: string, args: string[]): Promise<unknown>
}

export interface RedisStoreOptions {
  /** Prefix of every key this store writes. Default `session:`. */
  prefix?: string
  /**
   * A second connection in subscriber mode (node-redis: `await client.duplicate().connect()`):
   * with it, `storeCodec({ snapshot })` hears sessions ended in other processes within a second,
   * over the pub/sub channel `<prefix>revoked`. Without it, within the snapshot window.
   */
  subscriber?: RedisSubscriber
  /**
   * Replicas that must hold each write before it counts (Redis `WAIT`); a write they do not
   * confirm in time fails the request (503). Default 0: a write counts once the primary has it,
   * and a failover can lose the writes its replicas had not received yet.
   */
  replicas?: number
  /**
   * Seconds to wait for `replicas` (fractions allowed, 0.001 to 60). Default: what is left of the
   * store call's deadline (storeCodec's `timeout`).
   */
  replicaTimeout?: number
}

// Hash layout: `c` created, `t` touched, `m` the session's own lifetime, `b` the device binding,
// `=<key>` each session
// key's JSON. A script runs atomically, so a patch never interleaves with another request's
// patch or with a delete. Each script touches one key: safe on Redis Cluster.
//
// Under `maxmemory` with `noeviction`, Redis refuses a script's writes (OOM) only until its first
// write: after that it lets the script finish, to keep it atomic. So no script writes before its
// checks, and a script that can grow memory writes first with a command Redis refuses at the limit
// (HSET), never with one it allows (DEL, HDEL): at the limit a new session is refused, not
// written. DELETE and TAKE only free memory, so logging out still works there.
const SET = `${DEADLINE}for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
local keep = {}
for i = 3, #ARGV, 2 do keep[ARGV[i]] = true end
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if not keep[field] then redis.call('HDEL', KEYS[1], field) end
end
if tonumber(ARGV[2]) > 0 then redis.call('EXPIRE', KEYS[1], ARGV[2])
else redis.call('PERSIST', KEYS[1]) end
return 1`

const PATCH = `${DEADLINE}if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local last = 3 + tonumber(ARGV[3]) * 2
for i = 4, last, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
for i = last + 1, #ARGV do redis.call('HDEL', KEYS[1], ARGV[i]) end
if tonumber(ARGV[2]) > 0 then redis.call('EXPIRE', KEYS[1], ARGV[2])
else redis.call('PERSIST', KEYS[1]) end
return 1`

const DELETE = `${DEADLINE}return redis.call('DEL', KEYS[1])`

const TAKE = `${DEADLINE}local value = redis.call('HGET', KEYS[1], ARGV[2])
if value then redis.call('HDEL', KEYS[1], ARGV[2]) end
return value`

// The user index: one hash per user, session id → entry JSON; the key lives as long as its
// longest-lived entry. A stale entry is harmless: storeCodec checks each listed session.
const INDEX_SET = `${DEADLINE}local before = redis.call('TTL', KEYS[1])
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
local ttl = tonumber(ARGV[4])
if ttl == 0 then redis.call('PERSIST', KEYS[1])
elseif before == -2 or (before >= 0 and before < ttl) then redis.call('EXPIRE', KEYS[1], ttl) end
return 1`

const REDIS_OPTIONS = {
  prefix: stringRule('session:'),
  // Checked by the revocation feed that subscribes with it.
  subscriber: laterRule<RedisSubscriber | undefined>(),
  replicas: integerRule(0, 1000, 0),
  replicaTimeout: secondsBetweenRule(0.001, 60, undefined),
}

/**
 * Keeps sessions in Redis. Takes any node-redis v4/v5 client as is (`createClient`,
 * `createCluster`, `createSentinel`), Bun's `RedisClient`, or any object with `sendCommand(args)`
 * (ioredis: `{ sendCommand: ([name, ...args]) => redis.call(name, ...args) }`). No Redis client is
 * a dependency. Every command touches one key, so Redis Cluster works. Writes run as Lua scripts
 * that first compare the call's deadline with Redis's `TIME`: a write that arrives after its
 * request gave up (a stalled server, a reconnect that replays its queue) changes nothing.
 *
 * @example
 * import { createClient } from 'redis'
 * const redis = createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true })
 * redis.on('error', (error) => logger.warn({ error }, 'redis')) // without it a restart crashes the process
 * await redis.connect()
 * const codec = storeCodec({ store: redisStore(redis, { prefix: 'myapp:session:' }), idleTimeout: 3600 })
 */
export function redisStore(
  client: RedisCommandClient | RedisClusterClient | RedisSentinelClient | BunRedisClient,
  options: RedisStoreOptions = {},
): SessionStore {
  const run = redisRunner(client, 'redisStore')
  const { prefix, subscriber, replicas, replicaTimeout } = checkOptions(
    'redisStore',
    options,
    REDIS_OPTIONS,
  )
  const evaluate = redisScripts(run)
  const replicated = replicaWait(run, replicas, replicaTimeout)
  /** A write script, then, with `replicas`, the wait for them to confirm it. */
  async function script(source: string, key: string, args: string[], call?: StoreCall) {
    const reply = await evaluate(source, key, args, call)
    await replicated?.(key, call)
    return reply
  }
  const userKey = (user: string) => `${prefix}user:${user}`

  return {
    ...redisRevocations(run, `${prefix}revoked`, subscriber),
    async get(id: string, call?: StoreCall): Promise<StoreRecord | undefined> {
      const fields = pairs(await exec(run, prefix + id, ['HGETALL', prefix + id], call))
      if (fields.length === 0) return undefined
      const record: StoreRecord = { created: Number.NaN, touched: Number.NaN, values: {} }
      for (const [field, value] of fields) {
        if (field === 'c') record.created = Number(value)
        else if (field === 't') record.touched = Number(value)
        else if (field === 'm') record.maxAge = Number(value)
        else if (field === 'b') record.bound = value
        else if (field.startsWith('=')) {
          Object.defineProperty(record.values, field.slice(1), {
            value,
            enumerable: true,
            writable: true,
            configurable: true,
          })
        }
      }
      return record
    },
    async set(id: string, record: StoreRecord, ttl: number | undefined, call?: StoreCall) {
      const args = [String(ttl ?? 0), 'c', String(record.created), 't', String(record.touched)]
      if (record.maxAge !== undefined) args.push('m', String(record.maxAge))
      if (record.bound !== undefined) args.push('b', record.bound)
      for (const [key, json] of Object.entries(record.values)) args.push(`=${key}`, json)
      await script(SET, prefix + id, args, call)
    },
    async patch(id: string, patch: StorePatch, ttl: number | undefined, call?: StoreCall) {
      const set = Object.entries(patch.set)
      const args = [String(ttl ?? 0), String(set.length + 1), 't', String(patch.touched)]
      for (const [key, json] of set) args.push(`=${key}`, json)
      for (const key of patch.delete) args.push(`=${key}`)
      return Number(await script(PATCH, prefix + id, args, call)) === 1
    },
    async delete(id: string, call?: StoreCall): Promise<void> {
      await script(DELETE, prefix + id, [], call)
    },
    async take(id: string, key: string, call?: StoreCall): Promise<string | undefined> {
      const value = await script(TAKE, prefix + id, [`=${key}`], call)
      return value === null || value === undefined ? undefined : String(value)
    },
    async indexSet(user: string, entry: StoreIndexEntry, call?: StoreCall): Promise<void> {
      const ttl = indexEntryTtl(entry) ?? 0
      await script(INDEX_SET, userKey(user), [entry.id, JSON.stringify(entry), String(ttl)], call)
    },
    async indexDelete(user: string, id: string, call?: StoreCall): Promise<void> {
      await exec(run, userKey(user), ['HDEL', userKey(user), id], call)
      await replicated?.(userKey(user), call)
    },
    async indexList(user: string, call?: StoreCall): Promise<StoreIndexEntry[]> {
      const fields = pairs(await exec(run, userKey(user), ['HGETALL', userKey(user)], call))
      return fields.flatMap(([, json]) => parseStoreIndexEntry(json) ?? [])
    },
  }
}

function exec(run: RedisRun, key: string, args: string[], call: StoreCall | undefined) {
  return run(key, args, call?.signal)
}

/** HGETALL's reply as pairs: a flat array (RESP2), or a map or object (RESP3, Bun). */
function pairs(reply: unknown): [string, string][] {
  if (reply === null || reply === undefined) return []
  if (Array.isArray(reply)) {
    const out: [string, string][] = []
    for (let i = 0; i + 1 < reply.length; i += 2) out.push([String(reply[i]), String(reply[i + 1])])
    return out
  }
  const entries = reply instanceof Map ? [...reply] : Object.entries(reply as object)
  return entries.map(([field, value]) => [String(field), String(value)])
}
