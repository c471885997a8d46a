/**
 * Measuring, the same way on every runtime: WebCrypto calls counted on one warm request, and
 * mitata timings taken round-robin (every case once per round, several rounds), so that a case
 * and what it is compared with always run close together in time.
 */
import { measure } from 'mitata'
import type { Case } from './cases.ts'

const METHODS = [
  'importKey',
  'deriveBits',
  'deriveKey',
  'generateKey',
  'sign',
  'verify',
  'encrypt',
  'decrypt',
  'digest',
] as const

export type CryptoCounts = Partial<Record<(typeof METHODS)[number], number>>

/** Counts `crypto.subtle` calls while `fn` runs (the methods are wrapped, then put back). */
export async function cryptoCalls(fn: () => Promise<unknown>): Promise<CryptoCounts> {
  const subtle = crypto.subtle as unknown as Record<string, (...args: unknown[]) => unknown>
  const counts: CryptoCounts = {}
  const originals = new Map<string, (...args: unknown[]) => unknown>()
  for (const method of METHODS) {
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
    for (const [method, original] of originals) {
      // Wrapping made an own property; removing it uncovers the prototype's method again.
      delete subtle[method]
      if (subtle[method] !== original) subtle[method] = original
    }
  }
  return counts
}

export function formatCalls(counts: CryptoCounts): string {
  const parts = Object.entries(counts).map(([method, n]) => `${n} ${method}`)
  return parts.length === 0 ? 'none' : parts.join(', ')
}

export interface Probe {
  status: number
  setCookie: boolean
  /** Bytes of the session cookie the request carries (`name=value`). */
  cookieBytes: number
  calls: CryptoCounts
}

/** One request to warm caches, then one counted request. */
export async function probe(item: Case): Promise<Probe> {
  await (await item.send()).arrayBuffer()
  let response: Response | undefined
  const calls = await cryptoCalls(async () => {
    response = await item.send()
  })
  await response!.arrayBuffer()
  return {
    status: response!.status,
    setCookie: response!.headers.has('set-cookie'),
    cookieBytes: new TextEncoder().encode(item.cookie).length,
    calls,
  }
}

export const median = (values: number[]): number =>
  [...values].sort((x, y) => x - y)[values.length >> 1]!

/**
 * mitata's p50 of one case, in ns. `batch_threshold: 0`: every sample is one request, whatever
 * its speed. By default mitata averages batches of 4096 calls for calls under 65 µs and times
 * single calls above, so a case near that line would switch modes from round to round.
 */
async function time(item: Case, minCpuMs: number): Promise<number> {
  const stats = await measure(
    async () => {
      await (await item.send()).arrayBuffer()
    },
    { min_cpu_time: minCpuMs * 1e6, batch_threshold: 0 },
  )
  return stats.p50
}

/**
 * Nanoseconds per request (mitata's p50) of every case in every round; `minCpuMs` of samples per
 * case and round, after one unrecorded warm-up pass (the JIT's first tiers would skew round one).
 */
export async function runRounds(
  cases: Case[],
  rounds: number,
  minCpuMs: number,
): Promise<Map<string, number[]>> {
  for (const item of cases) await time(item, minCpuMs / 2)
  const samples = new Map<string, number[]>(cases.map((item) => [item.name, []]))
  for (let round = 0; round < rounds; round++) {
    for (const item of cases) samples.get(item.name)!.push(await time(item, minCpuMs))
  }
  return samples
}

/** The median across rounds of `a`'s time divided by `b`'s in the same round. */
export function ratio(samples: Map<string, number[]>, a: string, b: string): number {
  const own = samples.get(a)!
  const base = samples.get(b)!
  return median(own.map((ns, round) => ns / base[round]!))
}
