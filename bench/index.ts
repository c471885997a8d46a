/**
 * `npm run bench`: per-request cost of each case in one process, one run, with the ratio to its
 * floor, the WebCrypto calls one request makes and whether a Set-Cookie is sent.
 */
import { measure } from 'mitata'
import { type Case, cases } from './cases.ts'

/** Counts WebCrypto calls while `fn` runs. */
async function cryptoCalls(fn: () => Promise<unknown>): Promise<Record<string, number>> {
  const subtle = crypto.subtle as unknown as Record<string, (...args: unknown[]) => unknown>
  const counts: Record<string, number> = {}
  const originals = new Map<string, (...args: unknown[]) => unknown>()
  for (const method of [
    'importKey',
    'deriveBits',
    'deriveKey',
    'sign',
    'verify',
    'encrypt',
    'decrypt',
    'digest',
  ]) {
    const original = subtle[method]!
    originals.set(method, original)
    subtle[method] = function (this: unknown, ...args: unknown[]) {
      counts[method] = (counts[method] ?? 0) + 1
      return original.apply(this, args)
    }
  }
  try {
    await fn()
  } finally {
    for (const [method, original] of originals) subtle[method] = original
  }
  return counts
}

const send = (item: Case) =>
  item.handler(new Request('http://localhost/', { headers: { cookie: item.cookie } }))

const all = await cases()
const rows: { item: Case; ns: number; calls: string; setCookie: boolean }[] = []
for (const item of all) {
  let response: Response | undefined
  const counts = await cryptoCalls(async () => {
    response = await send(item)
  })
  const setCookie = response!.headers.has('set-cookie')
  // Two measurements, the better median kept: a short run on a busy machine is noisy.
  let ns = Number.POSITIVE_INFINITY
  for (let round = 0; round < 2; round++) {
    const stats = await measure(
      async () => {
        await (await send(item)).arrayBuffer()
      },
      { min_cpu_time: 400 * 1e6 },
    )
    ns = Math.min(ns, stats.p50)
  }
  const calls =
    Object.entries(counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ') || 'none'
  rows.push({ item, ns, calls, setCookie })
}

const byName = new Map(rows.map((row) => [row.item.name, row]))
const pad = (text: string, width: number) => text.padEnd(width)
console.log(
  `fetch-session benchmark · ${process.release.name} ${process.version} · ${process.arch}`,
)
console.log(
  `${pad('case', 34)}${pad('µs/req', 9)}${pad('ratio to floor', 34)}${pad('Set-Cookie', 12)}WebCrypto calls`,
)
for (const { item, ns, calls, setCookie } of rows) {
  const floor = item.floor ? byName.get(item.floor) : undefined
  const ratio = floor ? `${(ns / floor.ns).toFixed(2)}× ${item.floor}` : '—'
  console.log(
    `${pad(item.name, 34)}${pad((ns / 1000).toFixed(2), 9)}${pad(ratio, 34)}${pad(setCookie ? 'yes' : 'no', 12)}${calls}`,
  )
}
