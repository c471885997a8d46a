/** @module storeCodec: an opaque session id in the token, the data in a server-side store. */
import type { CodecBackend, CodecContext, SessionData } from '../backends.ts'
import { DecodeError, SessionError } from '../errors.ts'
import { decodeBase64url, encodeBase64url, utf8 } from '../lib/base64url.ts'
import { hmacKey, secretList } from '../lib/keys.ts'
import { type LifetimeOptions, lifetime } from '../lib/lifetime.ts'
import { isStoreRecord, type SessionStore, type StorePatch } from '../stores/types.ts'

export interface StoreCodecOptions extends LifetimeOptions {
  /** Where the session data lives: `memoryStore()`, `redisStore(client)`, `kvStore(env.KV)`, … */
  store: SessionStore
  /**
   * HMAC secrets of at least 32 bytes, newest first. When given, the id carries a tag, so a forged
   * or guessed id is turned down before any store round trip.
   */
  secrets?: string | readonly string[]
}

/** 128 random bits: 22 base64url characters. */
const ID_BYTES = 16
const ID_LENGTH = 22
const TAG_LENGTH = 43
/** Keeps a tag made for a store id apart from a tag the same secret makes in another codec. */
const TAG_CONTEXT = 'fetch-session store id '

/** What one request decoded: the id and each key's JSON as stored, to diff against on encode. */
interface Loaded {
  id: string
  created: number
  values: Map<string, string>
  /** The token the request presented, when it is still current: reused instead of re-signing. */
  token?: string
}

/**
 * A server-side codec: the token is a random session id (optionally HMAC-tagged) and the data
 * stays in `store`. On commit only the keys this request changed are written, atomically where
 * the store can, so concurrent requests that change different keys lose nothing; two requests
 * changing the same key: the last commit wins for that key. An id the store does not know is never
 * adopted: the request gets an empty session and the next write issues a fresh id.
 *
 * @example
 * const codec = storeCodec({
 *   store: redisStore(redis),
 *   secrets: [env.SESSION_SECRET],
 *   maxAge: 7 * 24 * 3600,
 *   idleTimeout: 3600,
 * })
 */
export function storeCodec(options: StoreCodecOptions): CodecBackend {
  const store = options?.store
  if (
    typeof store?.get !== 'function' ||
    typeof store.set !== 'function' ||
    typeof store.patch !== 'function' ||
    typeof store.delete !== 'function'
  ) {
    throw new SessionError(
      'ERR_SESSION_CONFIG',
      'storeCodec needs a store: get, set, patch, delete',
    )
  }
  const secrets =
    options.secrets === undefined ? undefined : secretList(options.secrets, 'storeCodec', 32)
  const life = lifetime(options, 'storeCodec')
  const sessions = new WeakMap<CodecContext, Loaded>()

  async function tag(id: string, secret: string): Promise<ArrayBuffer> {
    return crypto.subtle.sign('HMAC', await hmacKey(secret, 'SHA-256'), utf8(TAG_CONTEXT + id))
  }

  async function tokenFor(id: string): Promise<string> {
    if (secrets === undefined) return id
    return `${id}.${encodeBase64url(new Uint8Array(await tag(id, secrets[0]!)))}`
  }

  /** The id inside `token`, and whether its tag was made by an older secret. */
  async function verify(token: string): Promise<{ id: string; stale: boolean }> {
    const id = token.slice(0, ID_LENGTH)
    const tagged = secrets !== undefined
    const length = tagged ? ID_LENGTH + 1 + TAG_LENGTH : ID_LENGTH
    if (token.length !== length || decodeBase64url(id)?.length !== ID_BYTES) {
      throw new DecodeError('malformed')
    }
    if (!tagged) return { id, stale: false }
    const mac = token[ID_LENGTH] === '.' ? decodeBase64url(token.slice(ID_LENGTH + 1)) : undefined
    if (mac === undefined) throw new DecodeError('malformed')
    for (const [index, secret] of secrets.entries()) {
      const key = await hmacKey(secret, 'SHA-256')
      if (await crypto.subtle.verify('HMAC', key, mac, utf8(TAG_CONTEXT + id))) {
        return { id, stale: index > 0 }
      }
    }
    throw new DecodeError('signature')
  }

  /** Stores `values` under a new random id: new sessions, regenerate(), and a record gone meanwhile. */
  async function issue(context: CodecContext, values: Map<string, string>): Promise<string> {
    const now = life.now()
    const id = encodeBase64url(crypto.getRandomValues(new Uint8Array(ID_BYTES)))
    const record = { created: now, touched: now, values: Object.fromEntries(values) }
    await guard('set', () => store.set(id, record, ttl(now, now)))
    sessions.set(context, { id, created: now, values })
    context.id = id
    context.created = now * 1000
    context.maxAge = life.remaining(now, now)
    return tokenFor(id)
  }

  function ttl(created: number, now: number): number | undefined {
    const remaining = life.remaining(created, now)
    return remaining === undefined ? undefined : Math.max(1, remaining)
  }

  return {
    async encode(data: SessionData, context: CodecContext): Promise<string> {
      const values = serialize(data)
      const loaded = sessions.get(context)
      if (loaded === undefined) return issue(context, values)
      const now = life.now()
      const patch = diff(loaded.values, values, now)
      const { id, created } = loaded
      if (await guard('patch', () => store.patch(id, patch, ttl(created, now)))) {
        loaded.values = values
        context.maxAge = life.remaining(created, now)
        return loaded.token ?? tokenFor(id)
      }
      // Destroyed or expired since this request read it: the old id stays dead. Only what this
      // request changed itself moves to a new id, so a racing write cannot undo a logout.
      return issue(context, new Map(Object.entries(patch.set)))
    },

    async decode(token: string, context: CodecContext): Promise<SessionData> {
      const { id, stale } = await verify(token)
      const record = await guard('get', () => store.get(id))
      if (record === undefined) throw new DecodeError('unknown')
      if (!isStoreRecord(record)) throw new DecodeError('malformed', 'stored session is not valid')
      try {
        context.renew = life.check(record.created, record.touched) || stale
      } catch (error) {
        await guard('delete', () => store.delete(id))
        throw error
      }
      const values = new Map(Object.entries(record.values))
      const data = parse(values)
      sessions.set(context, {
        id,
        created: record.created,
        values,
        token: stale ? undefined : token,
      })
      context.id = id
      context.created = record.created * 1000
      return data
    },

    async destroy(token: string, context: CodecContext): Promise<void> {
      const id = sessions.get(context)?.id ?? (await verify(token).catch(() => undefined))?.id
      sessions.delete(context)
      if (id !== undefined) await guard('delete', () => store.delete(id))
    },
  }
}

/** Each top-level key as JSON text; keys whose value JSON drops (`undefined`, functions) are left out. */
function serialize(data: SessionData): Map<string, string> {
  const values = new Map<string, string>()
  for (const [key, value] of Object.entries(data)) {
    const json = JSON.stringify(value)
    if (json !== undefined) values.set(key, json)
  }
  return values
}

function parse(values: Map<string, string>): SessionData {
  try {
    // fromEntries defines own properties, so a stored `__proto__` key stays data.
    return Object.fromEntries([...values].map(([key, json]) => [key, JSON.parse(json)]))
  } catch (cause) {
    throw new DecodeError('malformed', 'stored session is not valid', { cause })
  }
}

function diff(before: Map<string, string>, after: Map<string, string>, now: number): StorePatch {
  const set: Record<string, string> = {}
  for (const [key, json] of after) {
    if (before.get(key) !== json) {
      Object.defineProperty(set, key, { value: json, enumerable: true, writable: true })
    }
  }
  const removed = [...before.keys()].filter((key) => !after.has(key))
  return { touched: now, set, delete: removed }
}

/** A store failure fails the request (`ERR_SESSION_STORE`); it never turns into a new session. */
async function guard<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (cause) {
    if (cause instanceof SessionError && cause.code === 'ERR_SESSION_STORE') throw cause
    throw new SessionError('ERR_SESSION_STORE', `session store ${operation} failed`, { cause })
  }
}
