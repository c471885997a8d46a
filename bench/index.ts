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

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7)
const median = (values: number[]) => [...values].sort((x, y) => x - y)[values.length >> 1]!

const all = await cases()
const probes = new Map<Case, { calls: string; setCookie: boolean }>()
for (const item of all) {
  let response: Response | undefined
  const counts = await cryptoCalls(async () => {
    response = await send(item)
  })
  const calls =
    Object.entries(counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ') || 'none'
  probes.set(item, { calls, setCookie: response!.headers.has('set-cookie') })
}

// Every case is measured once per round, round after round, so a case and its floor always run
// close together in time; ratios are taken within a round, then the median across rounds.
const samples = new Map<Case, number[]>(all.map((item) => [item, []]))
for (let round = 0; round < ROUNDS; round++) {
  for (const item of all) {
    const stats = await measure(
      async () => {
        await (await send(item)).arrayBuffer()
      },
      { min_cpu_time: 150 * 1e6 },
    )
    samples.get(item)!.push(stats.p50)
  }
}
const byCase = new Map(all.map((item) => [item.name, item]))
const rows = all.map((item) => {
  const floor = item.floor === undefined ? undefined : byCase.get(item.floor)
  const own = samples.get(item)!
  const base = floor === undefined ? undefined : samples.get(floor)!
  const ratio = base === undefined ? undefined : median(own.map((ns, round) => ns / base[round]!))
  return { item, ns: median(own), ratio, ...probes.get(item)! }
})

const pad = (text: string, width: number) => text.padEnd(width)
console.log(
  `fetch-session benchmark · ${process.release.name} ${process.version} · ${process.arch}`,
)
console.log(`median of ${ROUNDS} rounds; each ratio is the median of the per-round ratios`)
console.log(
  `${pad('case', 34)}${pad('µs/req', 9)}${pad('ratio to floor', 44)}${pad('Set-Cookie', 12)}WebCrypto calls`,
)
for (const { item, ns, ratio, calls, setCookie } of rows) {
  const against = ratio === undefined ? '—' : `${ratio.toFixed(2)}× ${item.floor}`
  console.log(
    `${pad(item.name, 34)}${pad((ns / 1000).toFixed(2), 9)}${pad(against, 44)}${pad(setCookie ? 'yes' : 'no', 12)}${calls}`,
  )
}
