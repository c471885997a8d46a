/** @module SessionObject: the Durable Object class behind durableObjectStore. */
import { applyPatch, checkDeadline, isStoreRecord, takeValue } from '../store.ts'
import type { StoreIndexEntry, StorePatch, StoreRecord } from './types.ts'

/** The part of a Durable Object's `state.storage` this class uses. */
export interface DurableObjectStorageLike {
  get<T = unknown>(key: string): Promise<T | undefined>
  put(key: string, value: unknown): Promise<void>
  delete(key: string): Promise<boolean>
  deleteAll(): Promise<void>
  list<T = unknown>(options?: { prefix?: string }): Promise<Map<string, T>>
  getAlarm(): Promise<number | null>
  setAlarm(time: number): Promise<void>
  deleteAlarm(): Promise<void>
}

/** The part of a Durable Object's `state` this class uses. */
export interface DurableObjectStateLike {
  storage: DurableObjectStorageLike
}

interface Saved {
  record: StoreRecord
  /** Milliseconds since the epoch, or `null` for none. */
  expires: number | null
}

interface Call {
  op: string
  deadline?: number
  record?: StoreRecord
  patch?: StorePatch
  ttl?: number
  key?: string
  entry?: StoreIndexEntry
  id?: string
  ids?: unknown
  after?: number
}

/** One batch of revoked ids, kept under `REVOKED` + its sequence number. */
interface Revoked {
  at: number
  ids: string[]
}

const RECORD = 'record'
const ENTRY = 'entry:'
const REVOKED = 'revoked:'
const SEQ = 'seq'
/** Revocations are kept a day (longer than any sensible snapshot window), 1000 batches at most. */
const KEEP_MS = 86_400_000
const KEEP_BATCHES = 1000

/**
 * A Durable Object that holds one session (or one user's session index) for `durableObjectStore`.
 * Each object runs one request at a time and its storage calls hold other events back, so every
 * patch is atomic; a record expires by storage alarm. A call that arrives after its deadline is
 * refused (409) without writing. Bind it in wrangler.toml and export it from the Worker.
 *
 * @example
 * // worker.ts; wrangler.toml: [[durable_objects.bindings]] name = "SESSIONS", class_name = "SessionObject"
 * export { SessionObject } from 'fetch-session'
 */
export class SessionObject {
  readonly #storage: DurableObjectStorageLike

  constructor(state: DurableObjectStateLike, _env?: unknown) {
    this.#storage = state.storage
  }

  /** Answers one store call: a JSON body `{ op, deadline, … }`, a JSON reply `{ result }`. */
  async fetch(request: Request): Promise<Response> {
    let call: Call
    try {
      call = (await request.json()) as Call
    } catch {
      return new Response('bad request', { status: 400 })
    }
    if (call.op !== 'get') {
      try {
        checkDeadline(call, call.op)
      } catch {
        return new Response('deadline passed', { status: 409 })
      }
    }
    const result = await this.#run(call)
    return Response.json({ result: result ?? null })
  }

  /** Deletes what expired and schedules the next expiry. */
  async alarm(): Promise<void> {
    const now = Date.now()
    const saved = await this.#storage.get<Saved>(RECORD)
    if (saved?.expires != null && saved.expires <= now) await this.#storage.delete(RECORD)
    const entries = await this.#storage.list<StoreIndexEntry>({ prefix: ENTRY })
    for (const [key, entry] of entries) {
      if (entry.expires !== undefined && entry.expires * 1000 <= now) {
        await this.#storage.delete(key)
      }
    }
    await this.#schedule()
  }

  async #run(call: Call): Promise<unknown> {
    const storage = this.#storage
    switch (call.op) {
      case 'get':
        return (await this.#live())?.record
      case 'expires':
        return (await this.#live())?.expires
      case 'set': {
        if (!isStoreRecord(call.record)) return false
        await this.#save(call.record, call.ttl)
        return true
      }
      case 'patch': {
        const saved = await this.#live()
        if (saved === undefined || call.patch === undefined) return false
        applyPatch(saved.record, call.patch)
        await this.#save(saved.record, call.ttl)
        return true
      }
      case 'delete':
        await storage.delete(RECORD)
        return this.#schedule()
      case 'take': {
        const saved = await this.#live()
        const value = saved === undefined ? undefined : takeValue(saved.record, call.key ?? '')
        if (value !== undefined) await storage.put(RECORD, saved)
        return value
      }
      case 'indexSet':
        if (call.entry === undefined) return false
        await storage.put(ENTRY + call.entry.id, call.entry)
        return this.#schedule()
      case 'indexDelete':
        await storage.delete(ENTRY + (call.id ?? ''))
        return this.#schedule()
      case 'indexList':
        return [...(await storage.list<StoreIndexEntry>({ prefix: ENTRY })).values()]
      case 'revoke':
        return this.#revoke(call.ids)
      case 'revocations':
        return this.#revocations(call.after)
      default:
        return undefined
    }
  }

  /** Appends a batch of revoked ids; drops batches past a day or past the most kept. */
  async #revoke(ids: unknown): Promise<number> {
    const storage = this.#storage
    const seq = ((await storage.get<number>(SEQ)) ?? 0) + 1
    const list = Array.isArray(ids) ? ids.filter((id) => typeof id === 'string') : []
    await storage.put(REVOKED + String(seq).padStart(16, '0'), { at: Date.now(), ids: list })
    await storage.put(SEQ, seq)
    const batches = [...(await storage.list<Revoked>({ prefix: REVOKED }))]
    for (const [index, [key, batch]] of batches.entries()) {
      const over = batches.length - index > KEEP_BATCHES
      if (over || batch.at < Date.now() - KEEP_MS) await storage.delete(key)
    }
    return seq
  }

  /** The ids revoked after batch `after` (every one kept, for a process that just started). */
  async #revocations(after: number | undefined): Promise<{ seq: number; ids: string[] }> {
    const seq = (await this.#storage.get<number>(SEQ)) ?? 0
    if (after === seq) return { seq, ids: [] }
    const ids: string[] = []
    for (const [key, batch] of await this.#storage.list<Revoked>({ prefix: REVOKED })) {
      if (typeof after !== 'number' || Number(key.slice(REVOKED.length)) > after) {
        ids.push(...batch.ids)
      }
    }
    return { seq, ids }
  }

  async #live(): Promise<Saved | undefined> {
    const saved = await this.#storage.get<Saved>(RECORD)
    if (saved === undefined) return undefined
    if (saved.expires !== null && saved.expires <= Date.now()) {
      await this.#storage.delete(RECORD)
      return undefined
    }
    return saved
  }

  async #save(record: StoreRecord, ttl: number | undefined): Promise<void> {
    const expires = ttl === undefined || ttl === null ? null : Date.now() + ttl * 1000
    await this.#storage.put(RECORD, { record, expires } satisfies Saved)
    await this.#schedule()
  }

  /** One alarm at the earliest expiry of the record or an index entry; none when nothing expires. */
  async #schedule(): Promise<void> {
    const saved = await this.#storage.get<Saved>(RECORD)
    let next = saved?.expires ?? Infinity
    for (const entry of (await this.#storage.list<StoreIndexEntry>({ prefix: ENTRY })).values()) {
      if (entry.expires !== undefined) next = Math.min(next, entry.expires * 1000)
    }
    if (next === Infinity) await this.#storage.deleteAlarm()
    else if ((await this.#storage.getAlarm()) !== next) await this.#storage.setAlarm(next)
  }
}
