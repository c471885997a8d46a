/**
 * The codec benchmark on one runtime: `node --import tsx bench/runtimes.ts`, `bun bench/runtimes.ts`
 * or `deno run bench/runtimes.ts`. Plain `withSession` handlers and the two floors, no framework.
 * Prints one line, `BENCH_RESULT <json>`, which `npm run bench` reads and tabulates.
 */
import { type Case, plainCases } from './cases.ts'
import { formatCalls, median, probe, ratio, runRounds } from './measure.ts'

export interface RuntimeRow {
  name: string
  floor?: string
  /** Nanoseconds per request, median of the rounds. */
  ns: number
  /** Median of the per-round ratios to `floor`. */
  ratio?: number
  setCookie: boolean
  calls: string
}

export interface RuntimeResult {
  runtime: string
  rounds: number
  rows: RuntimeRow[]
}

interface Globals {
  Bun?: { version: string }
  Deno?: { version: { deno: string }; env: { get(name: string): string | undefined } }
  process?: { version: string; env: Record<string, string | undefined> }
}

function runtime(): { name: string; env(name: string): string | undefined } {
  const g = globalThis as Globals
  if (g.Bun) return { name: `Bun ${g.Bun.version}`, env: (n) => g.process?.env[n] }
  if (g.Deno) return { name: `Deno ${g.Deno.version.deno}`, env: (n) => g.Deno!.env.get(n) }
  return { name: `Node ${g.process!.version}`, env: (n) => g.process!.env[n] }
}

export async function runCodecBench(rounds: number, minCpuMs: number): Promise<RuntimeResult> {
  const cases: Case[] = await plainCases()
  const probes = new Map<string, Awaited<ReturnType<typeof probe>>>()
  for (const item of cases) probes.set(item.name, await probe(item))
  const samples = await runRounds(cases, rounds, minCpuMs)
  const rows = cases.map((item) => ({
    name: item.name,
    floor: item.floor,
    ns: median(samples.get(item.name)!),
    ratio: item.floor === undefined ? undefined : ratio(samples, item.name, item.floor),
    setCookie: probes.get(item.name)!.setCookie,
    calls: formatCalls(probes.get(item.name)!.calls),
  }))
  return { runtime: runtime().name, rounds, rows }
}

const { env } = runtime()
if (env('BENCH_RUNTIME_CHILD') === '1') {
  const result = await runCodecBench(
    Number(env('BENCH_ROUNDS') ?? 7),
    Number(env('BENCH_MS') ?? 150),
  )
  console.log(`BENCH_RESULT ${JSON.stringify(result)}`)
}
