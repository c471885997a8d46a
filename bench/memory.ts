/**
 * Memory of memoryStore per session: `node --expose-gc --import tsx bench/memory.ts [count]`.
 * Sessions are written through storeCodec, as a login would write them; the heap is measured
 * after a full GC before and after. Prints `MEMORY_RESULT <json>`.
 */
import { memoryStore, storeCodec } from '../src/index.ts'

const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with node --expose-gc')

const count = Number(process.argv[2] ?? 100_000)
const data = { visits: 3, user: 'Ada Lovelace' }

function heap(): number {
  gc!()
  gc!()
  return process.memoryUsage().heapUsed
}

const store = memoryStore({ maxEntries: count })
const codec = storeCodec({ store })
const before = heap()
// Only three ids are kept, to check afterwards that no session was evicted while writing.
const sampled = new Set([0, count >> 1, count - 1])
const ids: string[] = []
for (let i = 0; i < count; i++) {
  const id = await codec.encode({ ...data })
  if (sampled.has(i)) ids.push(id)
}
const after = heap()
const kept = (await Promise.all(ids.map((id) => store.get(id)))).filter(Boolean).length
const result = {
  sessions: count,
  data,
  heapBefore: before,
  heapAfter: after,
  bytesPerSession: Math.round((after - before) / count),
  sampledSessionsKept: `${kept} of ${ids.length}`,
}
console.log(`MEMORY_RESULT ${JSON.stringify(result)}`)
