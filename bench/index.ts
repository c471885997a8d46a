/**
 * `npm run bench`: one process, one run. Every case goes through Hono's `app.request()` with a
 * Cookie header; the table gives µs per request, ratios (medians of per-round ratios) to the bare
 * handler, to the case's floor and to the fastest peer on the same path, the cookie size, whether
 * Set-Cookie is sent, and the WebCrypto calls of one request. Then the targets as PASS/MISS, the
 * SVG chart, and the codec benchmark on Node, Bun and Deno side by side (bench/runtimes.ts).
 *
 * BENCH_ROUNDS (default 7), BENCH_MS (ms of samples per case and round, default 150),
 * BENCH_RUNTIMES=0 to skip the runtime comparison.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { arch, cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { type Case, honoCases } from './cases.ts'
import { type ChartRow, chart } from './chart.ts'
import {
  type CryptoCounts,
  formatCalls,
  median,
  type Probe,
  probe,
  ratio,
  runRounds,
} from './measure.ts'
import type { RuntimeResult } from './runtimes.ts'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7)
const MIN_MS = Number(process.env.BENCH_MS ?? 150)
const root = fileURLToPath(new URL('../', import.meta.url))
const started = performance.now()

const cases = await honoCases()
const probes = new Map<string, Probe>()
for (const item of cases) probes.set(item.name, await probe(item))
const samples = await runRounds(cases, ROUNDS, MIN_MS)

const us = (name: string) => median(samples.get(name)!) / 1000
/** The fastest peer on each path, by median time. */
const fastestPeer = new Map<string, string>()
for (const path of ['read', 'write'] as const) {
  const peers = cases.filter((item) => item.group === 'peer' && item.path === path)
  peers.sort((a, b) => us(a.name) - us(b.name))
  if (peers[0]) fastestPeer.set(path, peers[0].name)
}

interface Row {
  item: Case
  us: number
  toBare: number
  toFloor: number | undefined
  toPeer: number | undefined
  probe: Probe
}

const rows: Row[] = cases.map((item) => {
  const peer = fastestPeer.get(item.path)
  return {
    item,
    us: us(item.name),
    toBare: ratio(samples, item.name, 'bare Hono handler'),
    toFloor: item.floor === undefined ? undefined : ratio(samples, item.name, item.floor),
    toPeer: peer === undefined ? undefined : ratio(samples, item.name, peer),
    probe: probes.get(item.name)!,
  }
})

const pad = (text: string, width: number) => text.padEnd(width)
const x = (value: number | undefined) => (value === undefined ? '—' : `${value.toFixed(2)}×`)
const header = (columns: [string, number][]) =>
  console.log(columns.map(([text, width]) => pad(text, width)).join(''))

console.log(
  `fetch-session benchmark · Node ${process.version} · ${arch()} · ${cpus().length} CPUs · ${cpus()[0]?.model ?? ''}`,
)
console.log(
  `through Hono app.request() with a Cookie header · ${ROUNDS} rounds, ${MIN_MS} ms of samples per case and round`,
)
console.log('µs/req: median over rounds of mitata p50; ratios: median of the per-round ratios')
console.log(
  `fastest peer: read ${fastestPeer.get('read') ?? '—'}, write ${fastestPeer.get('write') ?? '—'}`,
)
console.log()
const WIDTHS: [string, number][] = [
  ['case', 42],
  ['µs/req', 9],
  ['× bare', 8],
  ['× floor', 9],
  ['× fastest peer', 16],
  ['cookie B', 10],
  ['Set-Cookie', 12],
  ['WebCrypto calls (one request)', 0],
]
header(WIDTHS)
for (const row of rows) {
  const cells = [
    row.item.name,
    row.us.toFixed(2),
    x(row.toBare),
    x(row.toFloor),
    x(row.toPeer),
    String(row.probe.cookieBytes),
    row.probe.setCookie ? 'yes' : 'no',
    formatCalls(row.probe.calls),
  ]
  console.log(cells.map((cell, i) => pad(cell, WIDTHS[i]![1])).join(''))
}

// Targets -------------------------------------------------------------------------------------

const results: boolean[] = []
function target(ok: boolean, text: string): void {
  results.push(ok)
  console.log(`${ok ? 'PASS' : 'MISS'}  ${text}`)
}
const row = (name: string) => rows.find((r) => r.item.name === name)!
const library = rows.filter((r) => r.item.group === 'fetch-session')
const n = (calls: CryptoCounts, ...methods: (keyof CryptoCounts)[]) =>
  methods.reduce((sum, method) => sum + (calls[method] ?? 0), 0)

console.log()
console.log('Targets (ratios from this run)')
const untouched = row('fetch-session, session untouched')
target(
  untouched.toBare <= 1.1,
  `session untouched ≤ 1.10× bare: ${x(untouched.toBare)} (Hono + a no-op middleware: ${x(row('Hono + a no-op middleware').toBare)})`,
)
const unchanged = library.filter((r) => r.item.path !== 'write')
target(
  unchanged.every((r) => !r.probe.setCookie),
  `no Set-Cookie on the unchanged path: ${unchanged.map((r) => `${r.item.label} ${r.probe.setCookie ? 'sends one' : 'none'}`).join(', ')}`,
)
const faster = (r: Row) => `${(1 / r.toPeer!).toFixed(2)}× faster`
for (const path of ['read', 'write'] as const) {
  // The first round's targets, on the path they were set for: WebCrypto, no cache.
  const signed = row(`signedCodec, WebCrypto, no cache, ${path}`)
  target(
    signed.toFloor! <= 1.15,
    `signedCodec (WebCrypto, no cache) ${path} ≤ 1.15× the hand-written WebCrypto HMAC floor: ${x(signed.toFloor)}`,
  )
}
for (const path of ['read', 'write'] as const) {
  const native = rows.find((r) => r.item.name === `signedCodec, no cache, ${path}`)!
  target(
    native.toPeer! <= 1 / 3,
    `signedCodec (node:crypto, no cache: every request verifies) ${path} ≥ 3× faster than the fastest peer (${fastestPeer.get(path)}): ${faster(native)}`,
  )
  const hit = row(`signedCodec, WebCrypto, ${path}`)
  target(
    hit.toPeer! <= 1 / 1.8,
    `signedCodec (WebCrypto forced, cache hit) ${path} ≥ 1.8× faster than the fastest peer: ${faster(hit)}`,
  )
}
for (const name of ['signedCodec', 'jwtCodec', 'encryptedCodec']) {
  const read = row(`${name}, read`)
  target(read.toBare <= 1.5, `${name} read on a cache hit ≤ 1.50× bare: ${x(read.toBare)}`)
}
const miss = row('signedCodec, cache miss')
target(
  miss.toFloor! <= 1.05,
  `a cache miss ≤ 1.05× the same request with the cache off: ${x(miss.toFloor)}`,
)
for (const path of ['read', 'write'] as const) {
  const jwt = row(`jwtCodec, no cache, ${path}`)
  target(
    jwt.toFloor! <= 1.1,
    `jwtCodec (no cache) ${path} ≤ 1.10× the hand-written jose floor: ${x(jwt.toFloor)}`,
  )
}
for (const path of ['read', 'write'] as const) {
  const { calls } = row(`encryptedCodec, no cache, ${path}`).probe
  target(
    n(calls, 'decrypt') <= 1 && n(calls, 'encrypt') <= 1,
    `encryptedCodec (no cache) ${path}: at most one AES-GCM call per decode and per encode: ${formatCalls(calls)}`,
  )
}
const costly = library.filter(
  (r) =>
    n(r.probe.calls, 'importKey', 'deriveBits', 'deriveKey', 'generateKey') > 0 ||
    n(r.probe.calls, 'verify', 'decrypt') > 1,
)
target(
  costly.length === 0,
  `no key import, key derivation or second decode on the request path: ${costly.length === 0 ? 'none in any fetch-session case' : costly.map((r) => `${r.item.name}: ${formatCalls(r.probe.calls)}`).join('; ')}`,
)

// Chart ---------------------------------------------------------------------------------------

const chartRows: ChartRow[] = rows.map((r) => ({
  label: r.item.name,
  group: r.item.group,
  us: r.us,
  note: r.item.group === 'bare' ? '' : `${x(r.toBare)} bare`,
}))
mkdirSync(`${root}bench/results`, { recursive: true })
writeFileSync(
  `${root}bench/results/bench.svg`,
  chart(
    chartRows,
    `µs per request through Hono app.request(), Node ${process.version} (lower is better)`,
  ),
)
console.log()
console.log('chart: bench/results/bench.svg')

// How the cost grows (its own process: its handlers add no layers to the cases above) ---------

if (process.env.BENCH_GROWTH !== '0') {
  console.log()
  const growth = spawnSync(process.execPath, ['--import', 'tsx', 'bench/growth.ts'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, BENCH_ROUNDS: String(ROUNDS), BENCH_MS: String(MIN_MS) },
  })
  process.stdout.write(growth.stdout ?? '')
  if (growth.status !== 0)
    console.log(`growth: exit ${growth.status}\n${growth.stderr.slice(-2000)}`)
}

// Runtimes ------------------------------------------------------------------------------------

if (process.env.BENCH_RUNTIMES !== '0') {
  // Bun and Deno come with the tests' own install (npm run install:tests).
  const bin = (name: string) =>
    [`${root}node_modules/.bin/${name}`, `${root}tests/node_modules/.bin/${name}`].find((path) =>
      existsSync(path),
    ) ?? name
  const runs: [string, string, string[]][] = [
    ['Node', process.execPath, ['--import', 'tsx', 'bench/runtimes.ts']],
    ['Bun', bin('bun'), ['bench/runtimes.ts']],
    [
      'Deno',
      bin('deno'),
      ['run', '--allow-env', '--allow-read', '--allow-sys', 'bench/runtimes.ts'],
    ],
  ]
  const measured: RuntimeResult[] = []
  for (const [name, command, args] of runs) {
    if (!existsSync(command)) {
      console.log(`${name}: ${command} is missing, left out`)
      continue
    }
    const run = spawnSync(command, args, {
      cwd: root,
      encoding: 'utf8',
      env: {
        ...process.env,
        BENCH_RUNTIME_CHILD: '1',
        BENCH_ROUNDS: String(ROUNDS),
        BENCH_MS: String(MIN_MS),
        NO_COLOR: '1',
        DENO_NO_UPDATE_CHECK: '1',
      },
      timeout: 120_000,
    })
    const line = run.stdout?.split('\n').find((l) => l.startsWith('BENCH_RESULT '))
    if (line === undefined) {
      console.log(`${name}: no result (exit ${run.status})\n${(run.stderr ?? '').slice(-2000)}`)
      continue
    }
    measured.push(JSON.parse(line.slice('BENCH_RESULT '.length)) as RuntimeResult)
  }
  if (measured.length > 0) {
    console.log()
    console.log(
      `Codecs on each runtime: plain withSession handlers, no framework; µs/req and (× floor) · ${ROUNDS} rounds each`,
    )
    const width = 24
    header([
      ['case', 34],
      ...measured.map((r): [string, number] => [r.runtime, width]),
      ['Set-Cookie', 0],
    ])
    for (const [i, first] of measured[0]!.rows.entries()) {
      const cells = measured.map((r) => {
        const cell = r.rows[i]!
        return pad(
          `${(cell.ns / 1000).toFixed(2)}${cell.ratio === undefined ? '' : ` (${cell.ratio.toFixed(2)}×)`}`,
          width,
        )
      })
      const cookies = measured.map((r) => (r.rows[i]!.setCookie ? 'yes' : 'no')).join('/')
      console.log(`${pad(first.name, 34)}${cells.join('')}${cookies}`)
    }
    console.log(
      '(× floor: untouched against the bare handler, signedCodec against the hand-written HMAC,',
    )
    console.log(' jwtCodec against the hand-written jose HS256; Set-Cookie: each runtime in order)')
  }
}

console.log()
console.log(
  `${results.filter(Boolean).length} of ${results.length} targets met · ${((performance.now() - started) / 1000).toFixed(0)} s`,
)
