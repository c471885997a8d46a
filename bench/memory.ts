/**
 * Memory of memoryStore per live session: `node --expose-gc --import tsx bench/memory.ts [count]`
 * (1M sessions need `--max-old-space-size=4096`). Sessions are written through storeCodec, as a
 * login would write them; the heap is measured after full GCs before and after. Then the time of a
 * read (storeCodec.decode of a stored session, no cache) with that many sessions live. Prints
 * `MEMORY_RESULT <json>`.
 */
import { memoryStore, storeCodec } from '../src/index.ts'

const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with node --expose-gc')

const count = Number(process.argv[2] ?? 100_000)
const data = { visits: 3, user: 'Ada Lovelace' }
/** Tokens kept to read back: few, so that they weigh nothing next to the sessions. */
const SAMPLES = 256

function heap(): number {
  gc!()
  gc!()
  return process.memoryUsage().heapUsed
}

const store = memoryStore({ maxEntries: count })
const codec = storeCodec({
  store,
  secrets: 'a-memory-run-secret-of-at-least-32-bytes',
  cache: false,
})
const ids: string[] = new Array(SAMPLES)
const before = heap()
const every = Math.max(1, Math.floor(count / SAMPLES))
for (let i = 0; i < count; i++) {
  const token = await codec.encode({ ...data })
  if (i % every === 0 && i / every < SAMPLES) ids[i / every] = token
}
const after = heap()
const kept = (await Promise.all(ids.map((id) => codec.decode(id).catch(() => undefined)))).filter(
  Boolean,
).length
// A read with `count` sessions live: the median of 5 passes over the sampled tokens.
const passes: number[] = []
for (let pass = 0; pass < 5; pass++) {
  const t0 = performance.now()
  for (let round = 0; round < 20; round++) for (const id of ids) await codec.decode(id)
  passes.push(((performance.now() - t0) * 1000) / (20 * ids.length))
}
const result = {
  sessions: count,
  data,
  heapBefore: before,
  heapAfter: after,
  bytesPerSession: Math.round((after - before) / count),
  readUs: passes.sort((a, b) => a - b)[2]!.toFixed(2),
  sampledSessionsKept: `${kept} of ${ids.length}`,
}
console.log(`MEMORY_RESULT ${JSON.stringify(result)}`)
