// map-store.ts: a whole SessionStore over a Map, for tests and one process.
import type { SessionStore, StoreRecord } from '../../src/store.ts'
import { applyPatch, checkDeadline, takeValue } from '../../src/store.ts'

export function mapStore(now: () => number = Date.now): SessionStore {
  const records = new Map<string, { record: StoreRecord; expires: number }>()
  const until = (ttl?: number) => (ttl === undefined ? Infinity : now() + ttl * 1000)
  const copy = (record: StoreRecord) => ({ ...record, values: { ...record.values } })
  const live = (id: string) => {
    const entry = records.get(id)
    if (entry !== undefined && entry.expires <= now()) records.delete(id)
    return records.get(id)
  }
  // No await between reading and writing: each patch and take is one atomic step.
  return {
    async get(id) {
      const entry = live(id)
      return entry && copy(entry.record)
    },
    async set(id, record, ttl, call) {
      checkDeadline(call, 'set')
      records.set(id, { record: copy(record), expires: until(ttl) })
    },
    async patch(id, patch, ttl, call) {
      checkDeadline(call, 'patch')
      const entry = live(id)
      if (entry === undefined) return false
      applyPatch(entry.record, patch)
      entry.expires = until(ttl)
      return true
    },
    async delete(id, call) {
      checkDeadline(call, 'delete')
      records.delete(id)
    },
    async take(id, key, call) {
      checkDeadline(call, 'take')
      const entry = live(id)
      return entry && takeValue(entry.record, key)
    },
  }
}
