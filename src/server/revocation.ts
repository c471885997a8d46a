/**
 * @module The ids this process knows were revoked while their snapshots may still be valid:
 * bounded, one set per store, fed by this process and by the store's own push. Internal.
 */
import type { StoreGuard } from './store-call.ts'
import type { SessionStore } from './types.ts'

/** Most ids kept; past it every snapshot is a miss for one window instead (never less safe). */
const MAX_IDS = 10_000
/** Seconds a pull of a store that cannot push (`pullRevocations`) is trusted for. */
const PULL_EVERY = 1

export interface Revocations {
  /** True when the snapshot in `token`, of session `id`, must not be trusted now. */
  has(id: string, token: string): boolean
  /** Records `ids` as revoked for the window. */
  add(ids: readonly string[]): void
  /**
   * Whether this process has heard the store's revocations: `true` where the store pushes (or
   * has none); where it is pulled, after a pull at most a second old, pulling when needed.
   * `false` when that pull failed: no snapshot is trusted until one succeeds.
   */
  heard(): true | Promise<boolean>
}

interface Entry extends Revocations {
  window: number
  now(): number
}

const sets = new WeakMap<SessionStore, Entry>()

/**
 * How a token replaced by a write is named in the set: the end of its sealed snapshot (a MAC or
 * an AES-GCM tag), unique per token, and no secret. A session id is 22 characters; this is 24.
 */
export function supersededKey(token: string): string {
  return `~${token.slice(-23)}`
}

/**
 * The revocation set of `store` in this process, kept for `window` seconds (the longest any codec
 * on the store asked for); subscribes to the store's push once.
 */
export function revocations(
  store: SessionStore,
  window: number,
  now: () => number,
  guard: StoreGuard,
): Revocations {
  let entry = sets.get(store)
  if (entry === undefined) {
    entry = revocationSet(window, now, store.pullRevocations && puller(store, guard, now))
    sets.set(store, entry)
    const set = entry
    store.onRevoke?.((ids) => set.add(ids))
  }
  entry.window = Math.max(entry.window, window)
  return entry
}

/** Pulls at most once a second; requests arriving during a pull wait for that one. */
function puller(store: SessionStore, guard: StoreGuard, now: () => number) {
  let pulledAt = -Infinity
  let pulling: Promise<boolean> | undefined
  return (): true | Promise<boolean> => {
    const time = now()
    if (time - pulledAt < PULL_EVERY) return true
    if (pulling !== undefined) return pulling
    const pull = (async () => {
      try {
        await guard('pullRevocations', (call) => store.pullRevocations!(call))
        pulledAt = time
        return true
      } catch {
        return false
      }
    })()
    pulling = pull
    void pull.then(() => {
      pulling = undefined
    })
    return pull
  }
}

function revocationSet(
  window: number,
  now: () => number,
  heard: () => true | Promise<boolean> = () => true,
): Entry {
  /** id → second until which it stays revoked; insertion order is deadline order. */
  const ids = new Map<string, number>()
  let distrustUntil = 0
  const live = (key: string, time: number) => {
    const until = ids.get(key)
    if (until === undefined) return false
    if (until > time) return true
    ids.delete(key)
    return false
  }
  const set: Entry = {
    window,
    now,
    heard,
    has(id, token) {
      const time = set.now()
      if (time < distrustUntil) return true
      return live(id, time) || live(supersededKey(token), time)
    },
    add(list) {
      const time = set.now()
      for (const [id, until] of ids) {
        if (until > time) break
        ids.delete(id)
      }
      if (ids.size + list.length > MAX_IDS) {
        // Full of live entries: forget them all and trust no snapshot for one window.
        ids.clear()
        distrustUntil = time + set.window
        return
      }
      for (const id of list) {
        ids.delete(id)
        ids.set(id, time + set.window)
      }
    },
  }
  return set
}
