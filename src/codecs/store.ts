/** @module storeCodec: an opaque session id in the token, the data in a server-side store. */
import type { DecodedSession, EncodedSession, SessionData, SessionWrite } from '../backends.ts'
import { DecodeError, SessionError } from '../errors.ts'
import { decodeBase64url, encodeBase64url, utf8 } from '../lib/base64url.ts'
import { type SessionCodec, sessionCodec } from '../lib/codec.ts'
import { hmacKeys } from '../lib/hmac.ts'
import { secretList } from '../lib/keys.ts'
import { type LifetimeOptions, lifetime } from '../lib/lifetime.ts'
import { configError, optionsObject } from '../lib/options.ts'
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

const OWNER = 'storeCodec'
/** 128 random bits: 22 base64url characters. */
const ID_BYTES = 16
const ID_LENGTH = 22
const TAG_LENGTH = 43
/** Keeps a tag made for a store id apart from a tag the same secret makes in another codec. */
const TAG_CONTEXT = 'fetch-session store id '

/** What one request decoded, handed back on encode: each key's JSON as stored, to diff against. */
interface Loaded {
  values: Map<string, string>
  /** The token the request presented, when it is still current: reused instead of re-signing. */
  token?: string
}

/**
 * A server-side codec: the token is a random session id (optionally HMAC-tagged) and the data
 * stays in `store`. On commit only the keys this request changed are written, atomically where
 * the store can, so concurrent requests that change different keys lose nothing; two requests
 * changing the same key: the last commit wins for that key. An id the store does not know is never
 * adopted: the request gets an empty session and the next write issues a fresh id. A record is
 * deleted once it is expired or idle; one from a clock ahead of this one is turned down, not
 * deleted. `decode` and `encode` work alone too: `encode(data)` stores a new session.
 *
 * @example
 * const codec = storeCodec({
 *   store: redisStore(redis),
 *   secrets: [env.SESSION_SECRET],
 *   maxAge: 7 * 24 * 3600,
 *   idleTimeout: 3600,
 * })
 */
export function storeCodec(options: StoreCodecOptions): SessionCodec & { createId(): string } {
  optionsObject(OWNER, options ?? null, {
    store: 1,
    secrets: 1,
    maxAge: 1,
    idleTimeout: 1,
    clockTolerance: 1,
    now: 1,
  })
  const store = options.store
  if (
    typeof store?.get !== 'function' ||
    typeof store.set !== 'function' ||
    typeof store.patch !== 'function' ||
    typeof store.delete !== 'function'
  ) {
    configError(OWNER, 'store must have get, set, patch and delete')
  }
  const keys =
    options.secrets === undefined
      ? undefined
      : hmacKeys(secretList(options.secrets, OWNER, 32), 'SHA-256')
  const life = lifetime(options, OWNER)

  async function tokenFor(id: string): Promise<string> {
    if (keys === undefined) return id
    return `${id}.${encodeBase64url(await keys.sign(utf8(TAG_CONTEXT + id)))}`
  }

  /** The id inside `token`, and whether its tag was made by an older secret. */
  async function verify(token: string): Promise<{ id: string; stale: boolean }> {
    const id = token.slice(0, ID_LENGTH)
    const length = keys !== undefined ? ID_LENGTH + 1 + TAG_LENGTH : ID_LENGTH
    if (token.length !== length || decodeBase64url(id)?.length !== ID_BYTES) {
      throw new DecodeError('malformed')
    }
    if (keys === undefined) return { id, stale: false }
    const mac = token[ID_LENGTH] === '.' ? decodeBase64url(token.slice(ID_LENGTH + 1)) : undefined
    if (mac === undefined) throw new DecodeError('malformed')
    const signer = await keys.verify(mac, utf8(TAG_CONTEXT + id))
    if (signer < 0) throw new DecodeError('signature')
    return { id, stale: signer > 0 }
  }

  /** Stores `values` as a new session under `id`: new sessions, regenerate(), a record gone. */
  async function issue(
    id: string,
    values: Map<string, string>,
    maxAge: number | undefined,
  ): Promise<EncodedSession> {
    const now = life.stamp()
    const record = { created: now, touched: now, maxAge, values: Object.fromEntries(values) }
    await guard('set', () => store.set(id, record, ttl(now, now, maxAge)))
    return { token: await tokenFor(id), id, started: now, maxAge: life.remaining(now, now, maxAge) }
  }

  /** Kept a little past the deadline, so the codec sees the record expire instead of vanish. */
  function ttl(created: number, now: number, maxAge: number | undefined): number | undefined {
    const remaining = life.remaining(created, now, maxAge)
    return remaining === undefined ? undefined : Math.max(1, Math.ceil(remaining) + 1)
  }

  function createId(): string {
    return encodeBase64url(crypto.getRandomValues(new Uint8Array(ID_BYTES)))
  }

  return sessionCodec({
    reportsStart: true,
    createId,

    async encodeSession(data: SessionData, write: SessionWrite): Promise<EncodedSession> {
      const values = serialize(data)
      const previous = write.previous
      const loaded = previous?.state as Loaded | undefined
      if (previous?.id === undefined || loaded === undefined || previous.started === undefined) {
        return issue(write.id ?? createId(), values, write.maxAge)
      }
      const { id, started } = previous
      const now = life.stamp()
      if (write.maxAge !== previous.maxAge) {
        // A new lifetime rewrites the record: rare (a login's "remember me"), so not a patch.
        const record = {
          created: started,
          touched: now,
          maxAge: write.maxAge,
          values: Object.fromEntries(values),
        }
        await guard('set', () => store.set(id, record, ttl(started, now, write.maxAge)))
      } else {
        const patch = diff(loaded.values, values, now)
        if (
          !(await guard('patch', () => store.patch(id, patch, ttl(started, now, write.maxAge))))
        ) {
          // Destroyed or expired since this request read it: the old id stays dead. Only what this
          // request changed itself moves to a new id, so a racing write cannot undo a logout.
          return issue(createId(), new Map(Object.entries(patch.set)), write.maxAge)
        }
      }
      loaded.values = values
      return {
        token: loaded.token ?? (await tokenFor(id)),
        id,
        started,
        maxAge: life.remaining(started, now, write.maxAge),
      }
    },

    async decodeSession(token: string): Promise<DecodedSession> {
      const { id, stale } = await verify(token)
      const record = await guard('get', () => store.get(id))
      if (record === undefined) throw new DecodeError('unknown')
      if (!isStoreRecord(record)) throw new DecodeError('malformed', 'stored session is not valid')
      let renew: boolean
      try {
        renew = life.check(record.created, record.touched, record.maxAge) || stale
      } catch (error) {
        // Expired or idle is final; a record from a clock ahead of ours is only turned down.
        if ((error as DecodeError).reason !== 'future')
          await guard('delete', () => store.delete(id))
        throw error
      }
      const values = new Map(Object.entries(record.values))
      const state: Loaded = { values, token: stale ? undefined : token }
      return {
        data: parse(values),
        started: record.created,
        renew,
        id,
        maxAge: record.maxAge,
        state,
      }
    },

    async destroy(token: string): Promise<void> {
      const id = (await verify(token).catch(() => undefined))?.id
      if (id !== undefined) await guard('delete', () => store.delete(id))
    },
  })
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
