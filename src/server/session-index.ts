/** @module Sessions by user: the index storeCodec keeps next to each record. Internal. */
import type { SessionData } from '../backends.ts'
import { SessionError } from '../errors.ts'
import { encodeBase64url, utf8 } from '../lib/base64url.ts'
import type { Lifetime } from '../lib/lifetime.ts'
import type { StoreGuard } from './store-call.ts'
import type {
  SessionIndex,
  SessionStore,
  SessionSummary,
  StoreIndexEntry,
  StoreRecord,
} from './types.ts'

/** The user and JSON summary `index` gives for `data`. */
export interface Indexed {
  user: string
  info: string | undefined
}

export function indexed(index: SessionIndex | undefined, data: SessionData): Indexed | undefined {
  const result = index?.(data)
  if (typeof result === 'string')
    return result === '' ? undefined : { user: result, info: undefined }
  if (result === undefined || result === null || typeof result.user !== 'string') return undefined
  return {
    user: result.user,
    info: result.info === undefined ? undefined : JSON.stringify(result.info),
  }
}

/** The non-secret handle of a session id. */
export async function sessionHandle(id: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', utf8(`fetch-session handle ${id}`))
  return encodeBase64url(new Uint8Array(digest).subarray(0, 12))
}

export interface IndexContext {
  store: SessionStore
  guard: StoreGuard
  life: Lifetime
  index: SessionIndex
  /** A stored record's data, or `undefined` when it is not valid. */
  data(id: string, record: StoreRecord): Promise<SessionData | undefined>
  /** The summary as stored (sealed at rest when the codec encrypts), and back. */
  sealInfo(user: string, id: string, info: string): Promise<string>
  openInfo(user: string, id: string, stored: string): Promise<string | undefined>
  /** Told the ids of the sessions it deleted (revocation of their snapshots). */
  ended(ids: string[]): Promise<void>
}

/** A record's data names `user` in the index. */
async function belongs(
  context: IndexContext,
  user: string,
  id: string,
  record: StoreRecord,
): Promise<boolean> {
  const data = await context.data(id, record)
  return data !== undefined && indexed(context.index, data)?.user === user
}

/** A record still belongs to `user` and is alive now. */
async function alive(
  context: IndexContext,
  user: string,
  id: string,
  record: StoreRecord | undefined,
): Promise<boolean> {
  if (record === undefined) return false
  try {
    context.life.check(record.created, record.touched, record.maxAge)
  } catch {
    return false
  }
  return belongs(context, user, id, record)
}

/** The user's live sessions, newest first; stale entries are removed on the way. */
export async function listIndexed(
  context: IndexContext,
  user: string,
  current: string | undefined,
): Promise<SessionSummary[]> {
  const { store, guard } = context
  const entries = await guard('indexList', (call) => store.indexList!(user, call))
  const now = context.life.now()
  const out: (SessionSummary & { order: number })[] = []
  for (const entry of entries) {
    const record =
      entry.expires !== undefined && entry.expires <= now
        ? undefined
        : await guard('get', (call) => store.get(entry.id, call))
    if (!(await alive(context, user, entry.id, record))) {
      await guard('indexDelete', (call) => store.indexDelete!(user, entry.id, call))
      continue
    }
    const summary: SessionSummary & { order: number } = {
      handle: await sessionHandle(entry.id),
      created: record!.created,
      lastSeen: record!.touched,
      current: entry.id === current,
      order: record!.touched,
    }
    const info = entry.info && (await context.openInfo(user, entry.id, entry.info))
    if (info !== undefined) summary.info = parseInfo(info)
    out.push(summary)
  }
  out.sort((a, b) => b.order - a.order || a.created - b.created)
  return out.map(({ order: _, ...summary }) => summary)
}

/** A session handle: 12 bytes of digest in base64url; an id is storeCodec's 16 random bytes. */
const HANDLE = /^[A-Za-z0-9_-]{16}$/
const ID = /^[A-Za-z0-9_-]{22}$/

/**
 * Deletes every session of `user` but `except` (a session id, or the `handle` that
 * `listSessions` shows); returns how many were deleted.
 */
export async function destroyIndexed(
  context: IndexContext,
  user: string,
  except: string | undefined,
): Promise<number> {
  // Anything else would match no session and end the current one too, silently.
  const byHandle = typeof except === 'string' && HANDLE.test(except)
  if (except !== undefined && !byHandle && !(typeof except === 'string' && ID.test(except))) {
    throw new SessionError(
      'ERR_SESSION_CONFIG',
      'storeCodec: destroySessions except must be a session id (session.id) or a handle from listSessions',
    )
  }
  const { store, guard } = context
  const entries: StoreIndexEntry[] = await guard('indexList', (call) =>
    store.indexList!(user, call),
  )
  const ids: string[] = []
  for (const { id } of entries) {
    if (id === except || (byHandle && (await sessionHandle(id)) === except)) continue
    ids.push(id)
  }
  return destroyListed(context, user, ids)
}

/**
 * Deletes the one session of `user` whose handle (from `listSessions`) is `handle`: "log out this
 * device". Returns whether a live session was deleted.
 */
export async function destroyByHandle(
  context: IndexContext,
  user: string,
  handle: string,
): Promise<boolean> {
  if (typeof handle !== 'string' || !HANDLE.test(handle)) {
    throw new SessionError(
      'ERR_SESSION_CONFIG',
      'storeCodec: destroySession needs a handle from listSessions',
    )
  }
  const { store, guard } = context
  const entries = await guard('indexList', (call) => store.indexList!(user, call))
  const ids: string[] = []
  for (const { id } of entries) if ((await sessionHandle(id)) === handle) ids.push(id)
  return (await destroyListed(context, user, ids)) > 0
}

/** Deletes the listed sessions that still belong to `user`; returns how many were alive. */
async function destroyListed(context: IndexContext, user: string, ids: string[]): Promise<number> {
  const { store, guard } = context
  let count = 0
  const ended: string[] = []
  for (const id of ids) {
    const record = await guard('get', (call) => store.get(id, call))
    // An entry that went stale while the id moved to another user never deletes that session.
    if (record !== undefined && (await belongs(context, user, id, record))) {
      await guard('delete', (call) => store.delete(id, call))
      ended.push(id)
      if (await alive(context, user, id, record)) count++
    }
    await guard('indexDelete', (call) => store.indexDelete!(user, id, call))
  }
  if (ended.length > 0) await context.ended(ended)
  return count
}

function parseInfo(json: string): Record<string, unknown> | undefined {
  try {
    const info: unknown = JSON.parse(json)
    return typeof info === 'object' && info !== null ? (info as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/** What storeCodec does with the index on each write and delete. */
export interface UserIndex {
  /** Moves the session's entry from what it was (`before`) to what `data` says. */
  reindex(
    id: string,
    created: number,
    maxAge: number | undefined,
    before: Indexed | undefined,
    data: SessionData,
  ): Promise<Indexed | undefined>
  /** Deletes a record, and its index entry when the data names a user. */
  remove(id: string, data: SessionData | undefined): Promise<void>
}

export function userIndex(
  context: Omit<IndexContext, 'index'> & { index: SessionIndex | undefined },
): UserIndex {
  const { store, guard, index, life } = context
  return {
    async reindex(id, created, maxAge, before, data) {
      if (index === undefined) return undefined
      const now = indexed(index, data)
      if (before !== undefined && before.user !== now?.user) {
        await guard('indexDelete', (call) => store.indexDelete!(before.user, id, call))
      }
      if (now !== undefined && (now.user !== before?.user || now.info !== before.info)) {
        const absolute = life.absolute(maxAge)
        const expires = absolute === null ? undefined : created + absolute + 1
        const info = now.info && (await context.sealInfo(now.user, id, now.info))
        const entry = { id, created, info, expires }
        await guard('indexSet', (call) => store.indexSet!(now.user, entry, call))
      }
      return now
    },
    async remove(id, data) {
      await guard('delete', (call) => store.delete(id, call))
      await context.ended([id])
      const entry = data === undefined ? undefined : indexed(index, data)
      if (entry !== undefined) {
        await guard('indexDelete', (call) => store.indexDelete!(entry.user, id, call))
      }
    },
  }
}
