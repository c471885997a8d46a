/**
 * The verified-token cache's memory: `node --expose-gc --import tsx bench/cache-memory.ts`. Fills
 * one signedCodec's cache (1000 tokens of about 130 characters, each read out of a Cookie header
 * as a browser sends it) and prints `CACHE_MEMORY_RESULT <json>` with the heap per entry.
 */
import { signedCodec } from '../src/index.ts'
import { SECRET } from './floors.ts'

const ENTRIES = 1000
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with node --expose-gc')
const heap = () => {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

const issuer = signedCodec({ secrets: SECRET, cache: false })
const tokens = await Promise.all(
  Array.from({ length: ENTRIES }, (_, i) => issuer.encode({ user: 'Ada Lovelace', count: i })),
)
// Each token a slice of a header, as the Cookie parser hands it out, the header then dropped.
const presented = tokens.map((token) => {
  const header = `theme=dark; __Host-session=${token}; consent=${'x'.repeat(200)}`
  return header.slice(header.indexOf('=', 12) + 1, header.indexOf('; consent'))
})
const codec = signedCodec({ secrets: SECRET, cache: ENTRIES })
const before = heap()
for (const token of presented) await codec.decode(token)
const filled = heap()
// The cache keeps flat copies: dropping the headers frees them whole.
presented.length = 0
const dropped = heap()
const result = {
  entries: ENTRIES,
  tokenLength: Math.round(tokens.reduce((sum, t) => sum + t.length, 0) / tokens.length),
  bytesPerEntry: Math.round((filled - before) / ENTRIES),
  headerBytesFreedPerEntry: Math.round((filled - dropped) / ENTRIES),
}
console.log(`CACHE_MEMORY_RESULT ${JSON.stringify(result)}`)
