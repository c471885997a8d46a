/** @module redisStore: server-side sessions in Redis, one hash per session, patched by Lua script. */
import { SessionError } from '../errors.ts'
import { utf8 } from '../lib/base64url.ts'
import { optionsObject } from '../lib/options.ts'
import type { SessionStore, StorePatch, StoreRecord } from './types.ts'

/** A node-redis v4/v5 client, or an adapter of that shape for any other client. */
export interface RedisCommandClient {
  sendCommand(args: string[]): Promise<unknown>
}

/** Bun's built-in `RedisClient` (`import { RedisClient } from 'bun'`). */
export interface BunRedisClient {
  send(command: string, args: string[]): Promise<unknown>
}

export interface RedisStoreOptions {
  /** Prefix of every key this store writes. Default `session:`. */
  prefix?: string
}

// Hash layout: `c` created, `t` touched, `m` the session's own lifetime, `=<key>` each session key's JSON. A script runs atomically,
// so a patch never interleaves with another request's patch or with a delete.
const SET = `redis.call('DEL', KEYS[1])
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
if tonumber(ARGV[1]) > 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return 1`

const PATCH = `if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local last = 2 + tonumber(ARGV[2]) * 2
for i = 3, last, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
for i = last + 1, #ARGV do redis.call('HDEL', KEYS[1], ARGV[i]) end
if tonumber(ARGV[1]) > 0 then redis.call('EXPIRE', KEYS[1], ARGV[1])
else redis.call('PERSIST', KEYS[1]) end
return 1`

/**
 * Keeps sessions in Redis. Takes a node-redis client as is, Bun's `RedisClient`, or any object with
 * `sendCommand(args)` (wrap ioredis as `{ sendCommand: ([name, ...args]) => redis.call(name, ...args) }`).
 * No Redis client is a dependency. Patches run as one Lua script: concurrent requests that change
 * different keys of one session all land, and a patch never recreates a deleted session.
 *
 * @example
 * import { createClient } from 'redis'
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect()
 * const codec = storeCodec({ store: redisStore(redis, { prefix: 'myapp:session:' }), idleTimeout: 3600 })
 */
export function redisStore(
  client: RedisCommandClient | BunRedisClient,
  options: RedisStoreOptions = {},
): SessionStore {
  const run = commandRunner(client)
  optionsObject('redisStore', options ?? null, { prefix: 1 })
  const prefix = options.prefix ?? 'session:'
  if (typeof prefix !== 'string') {
    throw new SessionError('ERR_SESSION_CONFIG', 'redisStore prefix must be a string')
  }
  const scripts = new Map<string, Promise<string>>()

  /** EVALSHA, falling back to EVAL once after a restart or SCRIPT FLUSH emptied the script cache. */
  async function script(source: string, key: string, args: string[]): Promise<unknown> {
    let sha = scripts.get(source)
    if (sha === undefined) {
      sha = sha1(source)
      scripts.set(source, sha)
    }
    try {
      return await run(['EVALSHA', await sha, '1', key, ...args])
    } catch (error) {
      if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error
      return run(['EVAL', source, '1', key, ...args])
    }
  }

  return {
    async get(id: string): Promise<StoreRecord | undefined> {
      const fields = pairs(await run(['HGETALL', prefix + id]))
      if (fields.length === 0) return undefined
      const record: StoreRecord = { created: Number.NaN, touched: Number.NaN, values: {} }
      for (const [field, value] of fields) {
        if (field === 'c') record.created = Number(value)
        else if (field === 't') record.touched = Number(value)
        else if (field === 'm') record.maxAge = Number(value)
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
    async set(id: string, record: StoreRecord, ttl: number | undefined): Promise<void> {
      const args = [String(ttl ?? 0), 'c', String(record.created), 't', String(record.touched)]
      if (record.maxAge !== undefined) args.push('m', String(record.maxAge))
      for (const [key, json] of Object.entries(record.values)) args.push(`=${key}`, json)
      await script(SET, prefix + id, args)
    },
    async patch(id: string, patch: StorePatch, ttl: number | undefined): Promise<boolean> {
      const set = Object.entries(patch.set)
      const args = [String(ttl ?? 0), String(set.length + 1), 't', String(patch.touched)]
      for (const [key, json] of set) args.push(`=${key}`, json)
      for (const key of patch.delete) args.push(`=${key}`)
      return Number(await script(PATCH, prefix + id, args)) === 1
    },
    async delete(id: string): Promise<void> {
      await run(['DEL', prefix + id])
    },
  }
}

function commandRunner(client: unknown): (args: string[]) => Promise<unknown> {
  const candidate = client as Partial<RedisCommandClient & BunRedisClient> | null | undefined
  if (typeof candidate?.sendCommand === 'function') {
    return (args) => (candidate as RedisCommandClient).sendCommand(args)
  }
  if (typeof candidate?.send === 'function') {
    return ([command, ...args]) => (candidate as BunRedisClient).send(command!, args)
  }
  throw new SessionError(
    'ERR_SESSION_CONFIG',
    'redisStore needs a node-redis client, a Bun RedisClient, or an object with sendCommand(args)',
  )
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

async function sha1(source: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-1', utf8(source)))
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('')
}
