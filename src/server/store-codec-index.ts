/** @module storeCodec's user index wiring: who a session belongs to, and ending sessions by user. Internal. */
import type { SessionData } from '../backends.ts'
import type { Lifetime } from '../lib/lifetime.ts'
import { configError } from '../lib/options.ts'
import {
  destroyByHandle,
  destroyIndexed,
  type IndexContext,
  type Indexed,
  indexed,
  listIndexed,
  type UserIndex,
  userIndex,
} from './session-index.ts'
import type { StoreGuard } from './store-call.ts'
import { infoContext, type StoreCipher } from './store-cipher.ts'
import type { StoreRecords } from './store-records.ts'
import type { SessionIndex, SessionStore, SessionSummary } from './types.ts'

/** What one request read, handed back on encode: each key's JSON as stored, to diff against. */
export interface Loaded {
  values: Map<string, string>
  /** The session's entry in the user index when it was read (`index` only). */
  indexed?: Indexed
  /** An older `encrypt` key sealed part of the record: the next write rewrites all of it. */
  stale?: boolean
}

export interface IndexSetup {
  store: SessionStore
  guard: StoreGuard
  life: Lifetime
  index: SessionIndex | undefined
  records: StoreRecords
  cipher: StoreCipher | undefined
  ended(ids: string[]): Promise<void>
  owner: string
}

export interface UserSessions {
  list(user: string, current: string | undefined): Promise<SessionSummary[]>
  destroyAll(user: string, except: string | undefined): Promise<number>
  destroyOne(user: string, handle: string): Promise<boolean>
}

export function indexContext(setup: IndexSetup): {
  users: UserIndex
  context: () => UserSessions
  indexedOf: (data: SessionData) => Indexed | undefined
  /** Takes destroyed session `id` out of its user's index (read first: the index needs its data). */
  destroyed: (id: string) => Promise<void>
} {
  const { store, guard, life, index, records, cipher, ended, owner } = setup
  // `index` itself is checked by storeCodec's options; here, what it needs of the store.
  if (
    index !== undefined &&
    !['indexSet', 'indexDelete', 'indexList'].every((m) => typeof store[m as 'get'] === 'function')
  ) {
    configError(owner, 'index needs a store with indexSet, indexDelete and indexList')
  }
  const shared = {
    store,
    guard,
    life,
    ended,
    data: (id: string, record: Parameters<StoreRecords['data']>[1]) => records.data(id, record),
    sealInfo: async (user: string, id: string, info: string) =>
      cipher === undefined ? info : cipher.seal(infoContext(user, id), info),
    openInfo: async (user: string, id: string, stored: string) => {
      if (cipher === undefined) return stored
      try {
        return (await cipher.open(infoContext(user, id), stored)).text
      } catch {
        return undefined
      }
    },
  }
  const users = userIndex({ ...shared, index })
  const context = (): UserSessions => {
    if (index === undefined) {
      configError(owner, 'listSessions, destroySessions and destroySession need index')
    }
    const full: IndexContext = { ...shared, index }
    return {
      list: (user, current) => listIndexed(full, user, current),
      destroyAll: (user, except) => destroyIndexed(full, user, except),
      destroyOne: (user, handle) => destroyByHandle(full, user, handle),
    }
  }
  const indexedOf = (data: SessionData) => (index ? indexed(index, data) : undefined)
  async function destroyed(id: string): Promise<void> {
    const record = index && (await guard('get', (call) => store.get(id, call)))
    await users.remove(id, record === undefined ? undefined : await records.data(id, record))
  }
  return { users, context, indexedOf, destroyed }
}
