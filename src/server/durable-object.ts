/** @module durableObjectStore: server-side sessions in Cloudflare Durable Objects, one per session. */
import { checkOptions, configError, stringRule } from '../lib/options.ts'
import { deadlinePassed, isStoreIndexEntry } from '../store.ts'
import type { SessionStore, StoreCall, StoreIndexEntry, StorePatch, StoreRecord } from './types.ts'

/** A Durable Object stub: what `namespace.get(id)` returns. */
export interface DurableObjectStubLike {
  fetch(input: string, init?: RequestInit): Promise<Response>
}

/** The part of a Workers `DurableObjectNamespace` binding this store uses. */
export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown
  get(id: never): DurableObjectStubLike
}

export interface DurableObjectStoreOptions {
  /** Prefix of every object name this store uses. Default `session:`. */
  prefix?: string
}

const DURABLE_OBJECT_OPTIONS = { prefix: stringRule('session:') }

/**
 * Keeps each session in its own Durable Object (the exported `SessionObject` class), so it is
 * strongly consistent, patched atomically and deleted at once everywhere: the store to choose on
 * Workers when concurrent requests or logout must be exact. A user's session index (storeCodec's
 * `index`) lives in one more object per user. Every call carries its deadline into the object,
 * which refuses a write that arrives late. Objects cannot push to Worker isolates, so under
 * storeCodec's `snapshot` each isolate pulls the revocations from one more object at most once a
 * second, before it trusts a snapshot: a logout reaches every isolate within about 1 s.
 *
 * @example
 * export { SessionObject } from 'fetch-session'
 * export default {
 *   fetch: withSession(app, (request, env: Env) => ({
 *     codec: storeCodec({ store: durableObjectStore(env.SESSIONS), secrets: env.SESSION_SECRET }),
 *     ...cookie({ name: '__Host-session' }),
 *   })),
 * }
 */
export function durableObjectStore(
  namespace: DurableObjectNamespaceLike,
  options: DurableObjectStoreOptions = {},
): SessionStore {
  if (typeof namespace?.idFromName !== 'function' || typeof namespace.get !== 'function') {
    configError('durableObjectStore', 'needs a Durable Object namespace binding')
  }
  const { prefix } = checkOptions('durableObjectStore', options, DURABLE_OBJECT_OPTIONS)

  async function send(name: string, body: Record<string, unknown>, call?: StoreCall) {
    const stub = namespace.get(namespace.idFromName(prefix + name) as never)
    const response = await stub.fetch('https://session-object/', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, deadline: call?.deadline }),
    })
    if (response.status === 409) throw deadlinePassed(String(body.op))
    if (!response.ok) throw new Error(`session object answered ${response.status}`)
    return ((await response.json()) as { result: unknown }).result
  }
  const session = (id: string) => `s:${id}`
  const user = (name: string) => `u:${name}`
  /** One more object holds the recent revocations; each process pulls from it (no push). */
  const REVOKED = 'revoked'
  const listeners: ((ids: string[]) => void)[] = []
  let cursor: number | undefined

  return {
    async get(id: string, call?: StoreCall): Promise<StoreRecord | undefined> {
      return ((await send(session(id), { op: 'get' }, call)) ?? undefined) as
        | StoreRecord
        | undefined
    },
    async set(id: string, record: StoreRecord, ttl: number | undefined, call?: StoreCall) {
      await send(session(id), { op: 'set', record, ttl }, call)
    },
    async patch(id: string, patch: StorePatch, ttl: number | undefined, call?: StoreCall) {
      return (await send(session(id), { op: 'patch', patch, ttl }, call)) === true
    },
    async delete(id: string, call?: StoreCall): Promise<void> {
      await send(session(id), { op: 'delete' }, call)
    },
    async take(id: string, key: string, call?: StoreCall): Promise<string | undefined> {
      const value = await send(session(id), { op: 'take', key }, call)
      return typeof value === 'string' ? value : undefined
    },
    async indexSet(name: string, entry: StoreIndexEntry, call?: StoreCall): Promise<void> {
      await send(user(name), { op: 'indexSet', entry }, call)
    },
    async indexDelete(name: string, id: string, call?: StoreCall): Promise<void> {
      await send(user(name), { op: 'indexDelete', id }, call)
    },
    async indexList(name: string, call?: StoreCall): Promise<StoreIndexEntry[]> {
      const entries = await send(user(name), { op: 'indexList' }, call)
      return Array.isArray(entries) ? entries.filter(isStoreIndexEntry) : []
    },
    async revoke(ids: string[], call?: StoreCall): Promise<void> {
      await send(REVOKED, { op: 'revoke', ids }, call)
    },
    onRevoke(listener: (ids: string[]) => void): void {
      listeners.push(listener)
    },
    async pullRevocations(call?: StoreCall): Promise<void> {
      const { seq, ids } = (await send(REVOKED, { op: 'revocations', after: cursor }, call)) as {
        seq: number
        ids: unknown[]
      }
      const strings = ids.filter((id): id is string => typeof id === 'string')
      if (strings.length > 0) for (const listener of listeners) listener(strings)
      cursor = seq
    },
  }
}
