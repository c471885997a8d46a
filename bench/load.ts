/**
 * `npm run bench:load`: the demo's front page on real servers on 127.0.0.1, loaded by autocannon,
 * bounded: LOAD_ROUNDS rounds (default 4) of LOAD_SECONDS per page (default 3), LOAD_CONNECTIONS
 * connections (default 10), LOAD_SERVERS=node,bun to pick servers, LOAD_TARGETS=signed,hono to
 * pick pages (the bases always run). On each server every page runs in its own process, all
 * started together; the rounds interleave them (each round loads every page in turn, the order
 * rotating), so each ratio is the median of ratios measured seconds apart. The bases: the
 * hand-written `node:crypto` HMAC page (its Hono twin for the Hono pages) and the hand-written
 * WebCrypto HMAC page. Then memoryStore's memory per live session at 10k, 100k and 1M sessions.
 */
import { type ChildProcess, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { Agent, get } from 'node:http'
import { arch, cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import autocannon, { type Result } from 'autocannon'
import { ALL_SERVERS, BASES, LABELS, nativeBase, start, stop } from './load-servers.ts'

const root = fileURLToPath(new URL('../', import.meta.url))
const SECONDS = Number(process.env.LOAD_SECONDS ?? 3)
const ROUNDS = Number(process.env.LOAD_ROUNDS ?? 4)
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 10)

const pick = (env: string | undefined) => env?.split(',')
const onlyServers = pick(process.env.LOAD_SERVERS)
const onlyPages = pick(process.env.LOAD_TARGETS)
const SERVERS = ALL_SERVERS.filter(
  (server) => !onlyServers || onlyServers.some((name) => server.name.toLowerCase().includes(name)),
)

interface Row {
  server: string
  page: string
  /** req/s of each round. */
  rounds: number[]
  errors: number
  non2xx: number
  setCookie: boolean
  /** Latency in µs from a closed loop of node:http clients: autocannon's are whole milliseconds. */
  timed: { p50: number; p99: number; requests: number }
}

const TIMED_CONNECTIONS = 4
const TIMED_SECONDS = 2

/**
 * A cookie jar per autocannon connection: each request carries the cookie its connection's last
 * response set, as a browser would, so every visit of a session page writes.
 */
function jarred(url: string, seconds: number): Promise<Result> {
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    setupClient(client: {
      on(event: 'headers', listener: (headers: string[]) => void): void
      setHeaders(headers: Record<string, string>): void
    }) {
      client.on('headers', (headers) => {
        for (let i = 0; i < headers.length; i += 2) {
          if (headers[i]!.toLowerCase() === 'set-cookie') {
            client.setHeaders({ cookie: headers[i + 1]!.split(';')[0]! })
          }
        }
      })
    },
  } as Parameters<typeof autocannon>[0])
}

/**
 * TIMED_CONNECTIONS keep-alive clients, each sending its next request when the last one is
 * answered, for TIMED_SECONDS; every request timed in µs.
 */
async function timed(url: string, headers: Record<string, string>) {
  const agent = new Agent({ keepAlive: true, maxSockets: TIMED_CONNECTIONS })
  const times: number[] = []
  const end = performance.now() + TIMED_SECONDS * 1000
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const t0 = performance.now()
      get(url, { agent, headers }, (response) => {
        response.on('data', () => {})
        response.on('end', () => {
          times.push((performance.now() - t0) * 1000)
          resolve()
        })
      }).on('error', reject)
    })
  await Promise.all(
    Array.from({ length: TIMED_CONNECTIONS }, async () => {
      while (performance.now() < end) await one()
    }),
  )
  agent.destroy()
  times.sort((x, y) => x - y)
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!
  return { p50: at(0.5), p99: at(0.99), requests: times.length }
}

console.log(`fetch-session load run · Node ${process.version} · ${arch()} · ${cpus().length} CPUs`)
console.log(
  `GET / of the demo's front page on each server, 127.0.0.1 · autocannon, ${CONNECTIONS} connections with a cookie jar each`,
)
console.log(
  `${ROUNDS} interleaved rounds of ${SECONDS} s per page after a 2 s warm-up; req/s: median of the rounds; ratios: median of the per-round ratios`,
)
console.log('Every visit counts, so every session page is the write path (a verify, a sign, a')
console.log(
  'Set-Cookie). × native: over the hand-written node:crypto HMAC page on the same server (the Hono',
)
console.log('twin for Hono pages); × WebCrypto: over the hand-written WebCrypto HMAC page.')
console.log(
  "The read-heavy rows (9 reads : 1 write): × native is over signedCodec's read-heavy page.",
)
console.log(
  `Latency in µs: ${TIMED_CONNECTIONS} keep-alive node:http clients in a closed loop for ${TIMED_SECONDS} s (autocannon's are whole ms).`,
)
console.log()

const rows: Row[] = []
for (const server of SERVERS) {
  if (!existsSync(server.binary)) {
    console.log(`${server.name}: ${server.binary} is missing, left out`)
    continue
  }
  const pages = server.pages.filter((p) => !onlyPages || BASES.includes(p) || onlyPages.includes(p))
  const running: { page: string; child: ChildProcess; url: string; row: Row }[] = []
  try {
    for (const page of pages) {
      const { child, port } = await start(server, page)
      const url = `http://127.0.0.1:${port}/`
      const row: Row = {
        server: server.name,
        page,
        rounds: [],
        errors: 0,
        non2xx: 0,
        setCookie: false,
        timed: { p50: 0, p99: 0, requests: 0 },
      }
      running.push({ page, child, url, row })
    }
    for (const { url, row } of running) {
      const first = await fetch(url)
      await first.arrayBuffer()
      const cookie = first.headers.getSetCookie()[0]?.split(';')[0]
      const probe = await fetch(url, { headers: cookie === undefined ? {} : { cookie } })
      await probe.arrayBuffer()
      row.setCookie = probe.headers.has('set-cookie')
      await jarred(url, 2)
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < running.length; i++) {
        const { url, row } = running[(i + round) % running.length]!
        const result = await jarred(url, SECONDS)
        row.rounds.push(result.requests.average)
        row.errors += result.errors + result.timeouts
        row.non2xx += result.non2xx
      }
    }
    for (const { url, row } of running) {
      const first = await fetch(url)
      await first.arrayBuffer()
      const cookie = first.headers.getSetCookie()[0]?.split(';')[0]
      row.timed = await timed(url, cookie === undefined ? {} : { cookie })
      rows.push(row)
    }
  } finally {
    for (const { child } of running) await stop(child)
  }
}

const pad = (text: string, width: number) => text.padEnd(width)
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0
const find = (server: string, page: string) =>
  rows.find((r) => r.server === server && r.page === page)
/** The median of the per-round ratios of `row` over `base`. */
function over(row: Row | undefined, base: Row | undefined): number {
  if (row === undefined || base === undefined) return Number.NaN
  return median(row.rounds.map((value, i) => value / base.rounds[i]!))
}
const x = (value: number) => (Number.isNaN(value) ? '—' : `${value.toFixed(2)}×`)
console.log(
  [
    pad('server', 20),
    pad('page', 44),
    pad('req/s', 9),
    pad('× native', 10),
    pad('× WebCrypto', 13),
    pad('× bare', 8),
    pad('p50 µs', 9),
    pad('p99 µs', 9),
    pad('err/non-2xx', 13),
    'Set-Cookie',
  ].join(''),
)
for (const row of rows) {
  console.log(
    [
      pad(row.server, 20),
      pad(LABELS[row.page] ?? row.page, 44),
      pad(median(row.rounds).toFixed(0), 9),
      pad(x(over(row, find(row.server, nativeBase(row.page)))), 10),
      pad(x(over(row, find(row.server, 'hmac'))), 13),
      pad(x(over(row, find(row.server, 'bare'))), 8),
      pad(row.timed.p50.toFixed(0), 9),
      pad(row.timed.p99.toFixed(0), 9),
      pad(`${row.errors}/${row.non2xx}`, 13),
      row.setCookie ? 'yes' : 'no',
    ].join(''),
  )
}

console.log()
console.log('Targets (median of per-round req/s ratios, this run)')
let met = 0
let total = 0
function target(server: string, page: string, base: string, floor: number): void {
  const row = find(server, page)
  if (row === undefined) return
  const value = over(row, find(server, base))
  total++
  if (value >= floor) met++
  console.log(
    `${value >= floor ? 'PASS' : 'MISS'}  ${server}, ${LABELS[page]}: ${x(value)} the ${LABELS[base]} page (target ≥ ${floor}×)`,
  )
}
target('@hono/node-server', 'signed', 'hmac-node', 0.9)
target('@hono/node-server', 'hono', 'hono-hmac-node', 0.9)
target('Bun.serve', 'signed', 'hmac-node', 0.9)
target('Deno.serve', 'signed', 'hmac-node', 0.9)
target('workerd', 'signed', 'hmac', 0.9)
console.log(`${met} of ${total} load targets met`)

console.log()
const heapLimit: Record<number, number> = { 1000000: 4096 }
for (const count of (process.env.LOAD_MEMORY ?? '10000,100000,1000000').split(',').map(Number)) {
  const flags = heapLimit[count] ? [`--max-old-space-size=${heapLimit[count]}`] : []
  const memory = spawnSync(
    process.execPath,
    [...flags, '--expose-gc', '--import', 'tsx', 'bench/memory.ts', String(count)],
    { cwd: root, encoding: 'utf8' },
  )
  const line = memory.stdout.split('\n').find((l) => l.startsWith('MEMORY_RESULT '))
  if (line === undefined) {
    console.log(`memory: no result (exit ${memory.status})\n${memory.stderr.slice(-2000)}`)
    process.exitCode = 1
    continue
  }
  const m = JSON.parse(line.slice('MEMORY_RESULT '.length))
  console.log(
    `memoryStore, ${m.sessions} live sessions of ${JSON.stringify(m.data)} written through storeCodec: heap ${(m.heapBefore / 2 ** 20).toFixed(1)} MiB → ${(m.heapAfter / 2 ** 20).toFixed(1)} MiB after full GCs: ${m.bytesPerSession} bytes per session; a read ${m.readUs} µs (storeCodec.decode of a stored session); sampled sessions still stored: ${m.sampledSessionsKept}`,
  )
}

const cacheRun = spawnSync(
  process.execPath,
  ['--expose-gc', '--import', 'tsx', 'bench/cache-memory.ts'],
  { cwd: root, encoding: 'utf8' },
)
const cacheLine = cacheRun.stdout.split('\n').find((l) => l.startsWith('CACHE_MEMORY_RESULT '))
if (cacheLine === undefined) {
  console.log(`cache memory: no result (exit ${cacheRun.status})\n${cacheRun.stderr.slice(-2000)}`)
  process.exitCode = 1
} else {
  const c = JSON.parse(cacheLine.slice('CACHE_MEMORY_RESULT '.length))
  console.log(
    `verified-token cache, ${c.entries} signedCodec tokens of ${c.tokenLength} characters, each read out of a Cookie header: ${c.bytesPerEntry} bytes per entry; the headers freed once dropped: ${c.headerBytesFreedPerEntry} bytes per entry (flat copies keep nothing of them)`,
  )
}
