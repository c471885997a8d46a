/**
 * A flood of one-visit sessions against memoryStore, in real time: `npm run bench:flood`
 * (`node --expose-gc --import tsx bench/memory-flood.ts`). One storeCodec over `memoryStore()`
 * (its default cap, 10,000) in this process: FLOOD_TOTAL (default 200,000) first visits over
 * FLOOD_SECONDS (default 20), each creating a session as a request without a cookie does
 * (`codec.encode`, the store write of a new session, without the HTTP plumbing, so that a small
 * machine reaches the rate); meanwhile FLOOD_USERS (default 50) logged-in users make requests
 * through withSession every 0.5 to 3 s (spread evenly) and check that their session is theirs. FLOOD_STALL_MS blocks the event loop once, halfway, for that long (a
 * GC pause, a slow synchronous handler). Prints `FLOOD_RESULT <json>`: the flood rate reached,
 * the sessions users lost, the slowest event-loop turn and the heap before and after.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { cookie, getSession, memoryStore, storeCodec, withSession } from '../src/index.ts'

const TOTAL = Number(process.env.FLOOD_TOTAL ?? 200_000)
const SECONDS = Number(process.env.FLOOD_SECONDS ?? 20)
const USERS = Number(process.env.FLOOD_USERS ?? 50)
const STALL = Number(process.env.FLOOD_STALL_MS ?? 0)
const TICK = 10

const gc = (globalThis as { gc?: () => void }).gc
const heap = () => {
  gc?.()
  gc?.()
  return process.memoryUsage().heapUsed
}

const codec = storeCodec({ store: memoryStore(), idleTimeout: 1800 })
const handler = withSession(
  async (request: Request) => {
    const session = await getSession<{ user?: string; visits?: number }>(request)
    const user = new URL(request.url).searchParams.get('login')
    if (user !== null) session.set('user', user)
    session.set('visits', (session.get('visits') ?? 0) + 1)
    return Response.json({ user: session.get('user') ?? null })
  },
  { codec, ...cookie({ name: 'sid' }) },
)

async function send(path: string, jar?: string): Promise<{ user: string | null; jar?: string }> {
  const headers = jar === undefined ? undefined : { cookie: jar }
  const response = await handler(new Request(`http://localhost${path}`, { headers }))
  const { user } = (await response.json()) as { user: string | null }
  return { user, jar: response.headers.getSetCookie()[0]?.split(';')[0] ?? jar }
}

interface User {
  name: string
  every: number
  jar?: string
  lost: number
  visits: number
}

const users: User[] = Array.from({ length: USERS }, (_, i) => ({
  name: `user${i}`,
  every: 500 + Math.round((2500 * i) / Math.max(1, USERS - 1)),
  lost: 0,
  visits: 0,
}))
// Logged in, and back once, before the flood starts.
for (const user of users) {
  user.jar = (await send(`/?login=${user.name}`)).jar
  await send('/', user.jar)
}

const before = heap()
const delay = monitorEventLoopDelay({ resolution: 10 })
delay.enable()
let sent = 0
let running = true
const started = performance.now()

const visits = users.map(async (user, i) => {
  // Staggered, so the users' visits do not all land on one tick.
  await new Promise((resolve) => setTimeout(resolve, (user.every * i) / USERS))
  while (running) {
    const answer = await send('/', user.jar)
    user.visits++
    if (answer.user !== user.name) {
      user.lost++
      user.jar = (await send(`/?login=${user.name}`, answer.jar)).jar
    }
    await new Promise((resolve) => setTimeout(resolve, user.every))
  }
})

let stalled = false
while (sent < TOTAL) {
  const elapsed = performance.now() - started
  const due = Math.min(TOTAL, Math.floor((TOTAL * elapsed) / (SECONDS * 1000)))
  for (; sent < due; sent++) await codec.encode({ visits: 1 })
  if (STALL > 0 && !stalled && sent >= TOTAL / 2) {
    stalled = true
    const until = performance.now() + STALL
    while (performance.now() < until) {
      // A synchronous stall: nothing else runs meanwhile.
    }
  }
  await new Promise((resolve) => setTimeout(resolve, TICK))
}
const seconds = (performance.now() - started) / 1000
running = false
await Promise.all(visits)
delay.disable()

const result = {
  flood: {
    sessions: sent,
    seconds: Number(seconds.toFixed(1)),
    perSecond: Math.round(sent / seconds),
  },
  users: USERS,
  everyMs: [users[0]!.every, users.at(-1)!.every],
  userVisits: users.reduce((sum, user) => sum + user.visits, 0),
  sessionsLost: users.reduce((sum, user) => sum + user.lost, 0),
  usersWhoLostOne: users.filter((user) => user.lost > 0).length,
  stallMs: STALL,
  slowestLoopTurnMs: Math.round(delay.max / 1e6),
  heapMB: { before: (before / 2 ** 20).toFixed(1), after: (heap() / 2 ** 20).toFixed(1) },
}
console.log(`FLOOD_RESULT ${JSON.stringify(result)}`)
