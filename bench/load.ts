/**
 * `npm run bench:load`: the demo's front page on real servers on 127.0.0.1, loaded by autocannon,
 * bounded: LOAD_SECONDS per target (default 8), LOAD_CONNECTIONS connections (default 10),
 * LOAD_SERVERS=node,bun to pick servers, LOAD_TARGETS=hmac,signed to pick pages. On each server:
 * the bare page, the hand-written WebCrypto HMAC page (the base of every ratio on that server), and
 * fetch-session's pages (bench/load-apps.ts); then the memory of memoryStore per session. Every
 * server runs in its own process, so autocannon does not share its event loop; every request
 * carries its own session cookie (a jar per connection), so each visit is the write path.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { Agent, get } from 'node:http'
import { arch, cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import autocannon, { type Result } from 'autocannon'

const root = fileURLToPath(new URL('../', import.meta.url))
const SECONDS = Number(process.env.LOAD_SECONDS ?? 8)
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 10)
// Bun and Deno come with the tests' own install (npm run install:tests).
const bin = (name: string) =>
  [`${root}node_modules/.bin/${name}`, `${root}tests/node_modules/.bin/${name}`].find((path) =>
    existsSync(path),
  ) ?? name

interface Server {
  name: string
  /** The binary whose absence leaves the server out. */
  binary: string
  command: (variant: string) => [string, string[]]
  pages: string[]
}

const node =
  (file: string) =>
  (variant: string): [string, string[]] => [process.execPath, ['--import', 'tsx', file, variant]]
const ALL_SERVERS: Server[] = [
  {
    name: '@hono/node-server',
    binary: process.execPath,
    command: node('bench/load-server.ts'),
    pages: [
      'bare',
      'hmac',
      'hmac-node',
      'signed',
      'signed-webcrypto',
      'signed-cache',
      'hono',
      'store',
      'store-redis',
    ],
  },
  {
    name: 'Bun.serve',
    binary: bin('bun'),
    command: (variant) => [bin('bun'), ['bench/load-server.ts', variant]],
    pages: ['bare', 'hmac', 'signed', 'signed-webcrypto'],
  },
  {
    name: 'Deno.serve',
    binary: bin('deno'),
    command: (variant) => [bin('deno'), ['run', '-A', 'bench/load-server.ts', variant]],
    pages: ['bare', 'hmac', 'signed', 'signed-webcrypto'],
  },
  {
    name: 'workerd',
    binary: bin('workerd'),
    command: (variant) =>
      variant === 'store-do'
        ? [process.execPath, ['--import', 'tsx', 'bench/load-server-do.ts']]
        : node('bench/load-server-workerd.ts')(variant),
    pages: ['bare', 'hmac', 'signed', 'store-do'],
  },
]
const LABELS: Record<string, string> = {
  bare: 'bare page, no session',
  hmac: 'hand-written HMAC cookie (WebCrypto)',
  'hmac-node': 'hand-written HMAC cookie (node:crypto)',
  signed: 'signedCodec, no cache',
  'signed-webcrypto': 'signedCodec, WebCrypto forced, no cache',
  'signed-cache': 'signedCodec, cache on',
  hono: 'Hono session() middleware, no cache',
  store: 'storeCodec + memoryStore, no cache',
  'store-redis': 'storeCodec + redisStore, no cache',
  'store-do': 'storeCodec + durableObjectStore',
}
const pick = (env: string | undefined) => env?.split(',')
const onlyServers = pick(process.env.LOAD_SERVERS)
const onlyPages = pick(process.env.LOAD_TARGETS)
const SERVERS = ALL_SERVERS.filter(
  (server) => !onlyServers || onlyServers.some((name) => server.name.toLowerCase().includes(name)),
)

async function start(
  server: Server,
  variant: string,
): Promise<{ child: ChildProcess; port: number }> {
  const [command, args] = server.command(variant)
  const child = spawn(command, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', DENO_NO_UPDATE_CHECK: '1' },
  })
  let output = ''
  for await (const chunk of child.stdout!) {
    output += chunk
    const port = /LISTENING (\d+)/.exec(output)?.[1]
    if (port !== undefined) return { child, port: Number(port) }
  }
  throw new Error(`${server.name} did not start ${variant}`)
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
  await exited
  clearTimeout(timer)
}

interface Row {
  server: string
  page: string
  result: Result
  setCookie: boolean
  /** Latency in µs from a closed loop of node:http clients: autocannon's are whole milliseconds. */
  timed: { p50: number; p99: number; requests: number }
}

const TIMED_CONNECTIONS = 4
const TIMED_SECONDS = 3

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
  `GET / of the demo app (examples/demo/app.ts) on each server, 127.0.0.1 · autocannon, ${CONNECTIONS} connections with a cookie jar each, ${SECONDS} s per target after a 2 s warm-up`,
)
console.log('Every visit counts, so every session page is the write path (a verify, a sign, a')
console.log(
  'Set-Cookie). Ratios: req/s over the hand-written WebCrypto HMAC page on the same server.',
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
  for (const page of server.pages.filter(
    (p) => !onlyPages || p === 'hmac' || onlyPages.includes(p),
  )) {
    const { child, port } = await start(server, page)
    try {
      const url = `http://127.0.0.1:${port}/`
      const first = await fetch(url)
      await first.arrayBuffer()
      const cookie = first.headers.getSetCookie()[0]?.split(';')[0]
      const headers: Record<string, string> = cookie === undefined ? {} : { cookie }
      const probe = await fetch(url, { headers })
      await probe.arrayBuffer()
      await jarred(url, 2)
      const result = await jarred(url, SECONDS)
      rows.push({
        server: server.name,
        page,
        result,
        setCookie: probe.headers.has('set-cookie'),
        timed: await timed(url, headers),
      })
    } finally {
      await stop(child)
    }
  }
}

const pad = (text: string, width: number) => text.padEnd(width)
const rps = (row: Row | undefined) => row?.result.requests.average ?? 0
const find = (server: string, page: string) =>
  rows.find((r) => r.server === server && r.page === page)
const over = (value: number, base: number) => (base > 0 ? value / base : Number.NaN)
console.log(
  [
    pad('server', 20),
    pad('page', 42),
    pad('req/s', 9),
    pad('× HMAC', 8),
    pad('× bare', 8),
    pad('p50 µs', 9),
    pad('p99 µs', 9),
    pad('err/non-2xx', 13),
    'Set-Cookie',
  ].join(''),
)
for (const row of rows) {
  const hmac = rps(find(row.server, 'hmac'))
  const bare = rps(find(row.server, 'bare'))
  console.log(
    [
      pad(row.server, 20),
      pad(LABELS[row.page] ?? row.page, 42),
      pad(rps(row).toFixed(0), 9),
      pad(`${over(rps(row), hmac).toFixed(2)}×`, 8),
      pad(`${over(rps(row), bare).toFixed(2)}×`, 8),
      pad(row.timed.p50.toFixed(0), 9),
      pad(row.timed.p99.toFixed(0), 9),
      pad(`${row.result.errors + row.result.timeouts}/${row.result.non2xx}`, 13),
      row.setCookie ? 'yes' : 'no',
    ].join(''),
  )
}

console.log()
console.log(
  'Targets (req/s over the hand-written WebCrypto HMAC page on the same server, this run)',
)
let met = 0
let total = 0
function target(server: string, page: string, floor: number): void {
  const row = find(server, page)
  if (row === undefined) return
  const value = over(rps(row), rps(find(server, 'hmac')))
  total++
  if (value >= floor) met++
  console.log(
    `${value >= floor ? 'PASS' : 'MISS'}  ${server}, ${LABELS[page]}: ${value.toFixed(2)}× (target ≥ ${floor}×)`,
  )
}
target('@hono/node-server', 'signed', 1.4)
target('@hono/node-server', 'hono', 1.4)
target('Bun.serve', 'signed', 1.4)
target('Deno.serve', 'signed', 0.95)
target('workerd', 'signed', 0.95)
for (const server of ['@hono/node-server', 'Bun.serve', 'Deno.serve']) {
  target(server, 'signed-webcrypto', 0.95)
}
target('@hono/node-server', 'store', 0.95)
console.log(`${met} of ${total} load targets met`)

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
