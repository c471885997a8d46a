/**
 * `npm run bench:load`: the demo app on @hono/node-server on 127.0.0.1, loaded by autocannon,
 * bounded: LOAD_SECONDS per target (default 10), LOAD_CONNECTIONS connections (default 10,
 * autocannon's own), LOAD_TARGETS=bare,signed to pick targets. With fetch-session, and as a bare
 * page with no session; then the memory of memoryStore per session. Each server runs in its own
 * process, so autocannon does not share its event loop.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { Agent, get } from 'node:http'
import { arch, cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import autocannon, { type Result } from 'autocannon'

const root = fileURLToPath(new URL('../', import.meta.url))
const SECONDS = Number(process.env.LOAD_SECONDS ?? 10)
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 10)

const ALL_TARGETS: [variant: string, label: string][] = [
  ['bare', 'bare page, no session'],
  ['hmac', 'bare page + hand-written HMAC cookie'],
  ['hmac-copy', 'HMAC cookie, response copied (withSession)'],
  ['signed', 'fetch-session, signedCodec'],
  ['store', 'fetch-session, storeCodec + memoryStore'],
  ['store-redis', 'fetch-session, storeCodec + redisStore'],
  ['store-do', 'storeCodec + Durable Objects (workerd)'],
]
/** LOAD_TARGETS=bare,signed runs only those (the first one is the base of the ratios). */
const only = process.env.LOAD_TARGETS?.split(',')
const TARGETS = only ? ALL_TARGETS.filter(([variant]) => only.includes(variant)) : ALL_TARGETS

async function start(variant: string): Promise<{ child: ChildProcess; port: number }> {
  // The Durable Object target runs in workerd, through Miniflare, not on @hono/node-server.
  const script =
    variant === 'store-do' ? ['bench/load-worker.ts'] : ['bench/load-server.ts', variant]
  const child = spawn(process.execPath, ['--import', 'tsx', ...script], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let output = ''
  for await (const chunk of child.stdout!) {
    output += chunk
    const port = /LISTENING (\d+)/.exec(output)?.[1]
    if (port !== undefined) return { child, port: Number(port) }
  }
  throw new Error(`the ${variant} server did not start`)
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  child.kill('SIGTERM')
  await once(child, 'exit')
}

interface Row {
  label: string
  result: Result
  setCookie: boolean
  /** Latency in µs from a closed loop of node:http clients: autocannon's are whole milliseconds. */
  timed: { p50: number; p99: number; requests: number }
}

const TIMED_CONNECTIONS = 4
const TIMED_SECONDS = 5

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
  `GET / of the demo app (examples/demo/app.ts) on @hono/node-server, 127.0.0.1 · autocannon, ${CONNECTIONS} connections, ${SECONDS} s per target, after a 2 s warm-up`,
)
console.log('Every request carries the session cookie of a first visit; each visit counts, so')
console.log('every session response is the write path (a verify and a sign, a new Set-Cookie).')
console.log('autocannon records latency in whole milliseconds, so the last columns come from a')
console.log(
  `second run: ${TIMED_CONNECTIONS} keep-alive node:http clients in a closed loop for ${TIMED_SECONDS} s, each request timed in µs.`,
)
console.log()

const rows: Row[] = []
for (const [variant, label] of TARGETS) {
  const { child, port } = await start(variant)
  try {
    const url = `http://127.0.0.1:${port}/`
    // The session cookie a first visit gets; the bare page sends the same header, ignored.
    const first = await fetch(url)
    await first.arrayBuffer()
    const cookie = first.headers.getSetCookie()[0]?.split(';')[0]
    const headers: Record<string, string> = cookie === undefined ? {} : { cookie }
    const probe = await fetch(url, { headers })
    await probe.arrayBuffer()
    await autocannon({ url, connections: CONNECTIONS, duration: 2, headers })
    const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers })
    rows.push({
      label,
      result,
      setCookie: probe.headers.has('set-cookie'),
      timed: await timed(url, headers),
    })
  } finally {
    await stop(child)
  }
}

const pad = (text: string, width: number) => text.padEnd(width)
const bare = rows[0]!
const times = (value: number, base: number) => (base > 0 ? `${(value / base).toFixed(2)}×` : '—')
console.log(
  [
    pad('target', 44),
    pad('req/s', 9),
    pad('× bare', 8),
    pad('p99 ms', 8),
    pad('p99 × bare', 12),
    pad(`${TIMED_CONNECTIONS}-client p50 µs`, 18),
    pad('p99 µs', 9),
    pad('p99 × bare', 12),
    pad('err/non-2xx', 13),
    'Set-Cookie',
  ].join(''),
)
for (const { label, result, setCookie, timed: one } of rows) {
  console.log(
    [
      pad(label, 44),
      pad(result.requests.average.toFixed(0), 9),
      pad(times(result.requests.average, bare.result.requests.average), 8),
      pad(String(result.latency.p99), 8),
      pad(times(result.latency.p99, bare.result.latency.p99), 12),
      pad(one.p50.toFixed(0), 18),
      pad(one.p99.toFixed(0), 9),
      pad(times(one.p99, bare.timed.p99), 12),
      pad(`${result.errors + result.timeouts}/${result.non2xx}`, 13),
      setCookie ? 'yes' : 'no',
    ].join(''),
  )
}

console.log()
const memory = spawnSync(
  process.execPath,
  ['--expose-gc', '--import', 'tsx', 'bench/memory.ts', '100000'],
  { cwd: root, encoding: 'utf8' },
)
const line = memory.stdout.split('\n').find((l) => l.startsWith('MEMORY_RESULT '))
if (line === undefined) {
  console.log(`memory: no result (exit ${memory.status})\n${memory.stderr.slice(-2000)}`)
  process.exitCode = 1
} else {
  const m = JSON.parse(line.slice('MEMORY_RESULT '.length))
  console.log(
    `memoryStore, ${m.sessions} sessions of ${JSON.stringify(m.data)} written through storeCodec:`,
  )
  console.log(
    `heap ${(m.heapBefore / 2 ** 20).toFixed(1)} MiB → ${(m.heapAfter / 2 ** 20).toFixed(1)} MiB after full GCs (node --expose-gc): ${m.bytesPerSession} bytes per session; sampled sessions still stored: ${m.sampledSessionsKept}`,
  )
}
