/**
 * How the cost grows, part of `npm run bench` (`node --import tsx bench/growth.ts`): µs per
 * request of plain `withSession` handlers against the session's size (about 100 B, 1 KB, 3.5 KB
 * and 12 KB of token for signedCodec, the same data for every codec; `cookie({ maxChunks: 6 })`
 * carries what one cookie cannot), read and write, every request verifying (cache off); then
 * signedCodec's read against the number of live sessions (distinct tokens in turn, the default
 * cache on). Prints the tables and writes bench/results/growth.svg.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { cookie, getSession, signedCodec, withSession } from '../src/index.ts'
import type { Case, Path } from './cases.ts'
import { type ChartRow, chart } from './chart.ts'
import { SECRET } from './floors.ts'
import { codecNames, codecs } from './library.ts'
import { median, runRounds } from './measure.ts'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7)
const MIN_MS = Number(process.env.BENCH_MS ?? 150) / 2
const root = fileURLToPath(new URL('../', import.meta.url))
/** signedCodec token sizes the data is chosen for, and their labels. */
const SIZES: [string, number][] = [
  ['100 B', 100],
  ['1 KB', 1024],
  ['3.5 KB', 3584],
  ['12 KB', 12288],
]
type Data = { count: number; text?: string }

/** Data whose signedCodec token is about `bytes` long (base64url of the JSON, plus the tag). */
function dataOf(bytes: number): Data {
  const json = Math.max(0, Math.floor(((bytes - 44) * 3) / 4) - 42)
  return json <= 12 ? { count: 1 } : { count: 1, text: 'x'.repeat(json - 12) }
}

/**
 * A case of `codec` on `path`; its first request (no cookie) creates the session of `data`, so
 * the cookie it carries is its own codec's (storeCodec's session lives in that codec's store).
 */
async function sizeCase(
  codec: (typeof codecNames)[number],
  size: string,
  data: Data,
  path: Path,
): Promise<Case> {
  const handler = withSession(
    async (request: Request) => {
      const session = await getSession<Data>(request)
      if (session.isNew) {
        session.set('count', data.count)
        if (data.text !== undefined) session.set('text', data.text)
      } else if (path === 'write') session.set('count', (session.get('count') ?? 0) + 1)
      return new Response(String(session.get('count')))
    },
    { codec: codecs[codec]({ cache: false }), ...cookie({ maxChunks: 6 }) },
  )
  const item: Case = {
    name: `${codec}, ${size}, ${path}`,
    label: codec,
    group: 'fetch-session',
    path,
    cookie: '',
    send: async () => {
      const headers: Record<string, string> = item.cookie ? { cookie: item.cookie } : {}
      const response = await handler(new Request('http://localhost/', { headers }))
      const set = response.headers.getSetCookie()
      if (set.length > 0) item.cookie = set.map((line) => line.split(';')[0]).join('; ')
      return response
    },
  }
  await (await item.send()).arrayBuffer()
  return item
}

const cases: Case[] = []
const meta = new Map<string, { codec: string; size: string; path: Path; json: number }>()
for (const codec of codecNames) {
  for (const [size, bytes] of SIZES) {
    const data = dataOf(bytes)
    for (const path of ['read', 'write'] as const) {
      const item = await sizeCase(codec, size, data, path)
      cases.push(item)
      meta.set(item.name, { codec, size, path, json: JSON.stringify(data).length })
    }
  }
}

/** signedCodec's read with `count` live sessions: each request presents the next of them. */
async function liveCase(count: number): Promise<Case> {
  const codec = signedCodec({ secrets: SECRET })
  const handler = withSession(
    async (request: Request) =>
      new Response(String((await getSession<Data>(request)).get('count'))),
    { codec, ...cookie() },
  )
  const issuer = signedCodec({ secrets: SECRET, cache: false })
  const cookies: string[] = []
  for (let i = 0; i < count; i++) cookies.push(`session=${await issuer.encode({ count: i })}`)
  let next = 0
  return {
    name: `signedCodec, read, ${count} live sessions`,
    label: 'signedCodec',
    group: 'fetch-session',
    path: 'read',
    cookie: cookies[0]!,
    send: () => {
      const cookie = cookies[next]!
      next = (next + 1) % count
      return handler(new Request('http://localhost/', { headers: { cookie } }))
    },
  }
}

const LIVE = [1, 1000, 10_000, 100_000]
const live: Case[] = []
for (const count of LIVE) live.push(await liveCase(count))

const samples = await runRounds([...cases, ...live], ROUNDS, MIN_MS)
const us = (name: string) => median(samples.get(name)!) / 1000
const pad = (text: string, width: number) => text.padEnd(width)

console.log(
  `How the cost grows: plain withSession handlers, cookie({ maxChunks: 6 }), cache off · µs/req, ${ROUNDS} rounds`,
)
console.log(
  'size: signedCodec token of about that many bytes; every codec holds the same data (JSON bytes below)',
)
console.log(
  [
    pad('codec, path', 24),
    ...SIZES.map(([size]) => pad(size, 10)),
    pad('µs per KB, 1→12 KB', 20),
    'cookies (B) at 100 B / 1 KB / 3.5 KB / 12 KB',
  ].join(''),
)
const rows: ChartRow[] = []
for (const codec of codecNames) {
  for (const path of ['read', 'write'] as const) {
    const times = SIZES.map(([size]) => us(`${codec}, ${size}, ${path}`))
    const slope = (times[3]! - times[1]!) / ((SIZES[3]![1] - SIZES[1]![1]) / 1024)
    const cookies = SIZES.map(([size]) => {
      const item = cases.find((c) => c.name === `${codec}, ${size}, ${path}`)!
      return String(new TextEncoder().encode(item.cookie).length)
    })
    console.log(
      [
        pad(`${codec}, ${path}`, 24),
        ...times.map((t) => pad(t.toFixed(2), 10)),
        pad(slope.toFixed(2), 20),
        cookies.join(' / '),
      ].join(''),
    )
    for (const [i, [size]] of SIZES.entries()) {
      const group = path === 'read' ? 'floor' : 'fetch-session'
      rows.push({ label: `${codec} ${path}, ${size}`, group, us: times[i]!, note: '' })
    }
  }
}
const jsonSizes = SIZES.map(([size]) => meta.get(`signedCodec, ${size}, read`)!.json)
console.log(`(session JSON: ${jsonSizes.join(' / ')} bytes)`)
console.log()
console.log('signedCodec read (the default cache of 1,000 tokens on) against live sessions:')
console.log(
  LIVE.map(
    (count) => `${count}: ${us(`signedCodec, read, ${count} live sessions`).toFixed(2)} µs`,
  ).join(' · '),
)

mkdirSync(`${root}bench/results`, { recursive: true })
writeFileSync(
  `${root}bench/results/growth.svg`,
  chart(rows, `µs per request against session size, cache off, Node ${process.version}`, [
    ['floor', 'read'],
    ['fetch-session', 'write'],
  ]),
)
console.log('chart: bench/results/growth.svg')
