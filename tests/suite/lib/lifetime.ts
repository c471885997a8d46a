/**
 * One lifetime contract, asserted for every codec and store at once: absolute `maxAge`,
 * `idleTimeout` with renewal, the cookie's Max-Age, the clock tolerance and a session's own
 * lifetime, through `withSession` and cookies on an injected clock. Every deadline is exclusive
 * (RFC 7519): valid a millisecond before, refused at exactly the deadline. docs/lifetimes.md
 * describes the same table, row by row.
 */
import assert from 'node:assert/strict'
import type { CodecBackend, DecodeErrorReason } from '../../../src/index.ts'
import {
  cookie,
  djangoCodec,
  encryptedCodec,
  flaskCodec,
  getSession,
  jwtCodec,
  memoryStore,
  signedCodec,
  starletteCodec,
  storeCodec,
  withSession,
} from '../../../src/index.ts'
import { SECRET } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('lifetimes')

const T0 = Date.UTC(2026, 0, 1)

interface Lifetimes {
  now: () => number
  maxAge: number
  idleTimeout?: number
}

interface Row {
  name: string
  codec(options: Lifetimes): CodecBackend
  /** Whether the codec has an idleTimeout. */
  idle: boolean
}

const ROWS: Row[] = [
  { name: 'signedCodec', codec: (o) => signedCodec({ secrets: SECRET, ...o }), idle: true },
  { name: 'encryptedCodec', codec: (o) => encryptedCodec({ secrets: SECRET, ...o }), idle: true },
  {
    name: 'jwtCodec with maxAge',
    codec: ({ now, maxAge }) => jwtCodec({ key: SECRET, algorithms: ['HS256'], now, maxAge }),
    idle: false,
  },
  {
    name: 'jwtCodec with maxAge and idleTimeout',
    codec: (o) => jwtCodec({ key: SECRET, algorithms: ['HS256'], ...o }),
    idle: true,
  },
  {
    // The store keeps a record a second past its deadline, so the codec sees it expire.
    name: 'storeCodec with memoryStore',
    codec: (o) => storeCodec({ store: memoryStore({ now: o.now }), secrets: SECRET, ...o }),
    idle: true,
  },
]

/** The last instant before a deadline: one millisecond earlier. */
const before = (deadline: number) => deadline - 0.001

interface Visit {
  /** The session's `user`, or '' for an empty session. */
  user: string
  /** The token a Set-Cookie issued, if any. */
  token: string | undefined
  maxAge: number | undefined
  reason: DecodeErrorReason | undefined
}

/** A handler over `row`'s codec: a POST signs `ada` in, a GET only reads. The clock is set by hand. */
function app(row: Row, lifetimes: Omit<Lifetimes, 'now'>) {
  let time = T0
  let reason: DecodeErrorReason | undefined
  const handler = withSession(
    async (request: Request) => {
      const session = await getSession<{ user: string; visits: number }>(request)
      if (request.method === 'POST') {
        session.set('user', 'ada')
        session.set('visits', (session.get('visits') ?? 0) + 1)
      }
      return new Response(session.get('user') ?? '')
    },
    { codec: row.codec({ now: () => time, ...lifetimes }), ...cookie() },
    {
      onInvalid: (error) => {
        reason = error.reason
      },
    },
  )
  return {
    /** Moves the clock to `seconds` after the start. */
    at(seconds: number): void {
      time = T0 + Math.round(seconds * 1000)
    },
    async visit(token: string | undefined, method: 'GET' | 'POST' = 'GET'): Promise<Visit> {
      reason = undefined
      const headers = token === undefined ? undefined : { cookie: `session=${token}` }
      const response = await handler(new Request('http://localhost/', { method, headers }))
      const line = response.headers.getSetCookie().find((c) => c.startsWith('session='))
      const age = line?.match(/;\s*Max-Age=(\d+)/i)?.[1]
      return {
        user: await response.text(),
        token: line?.slice('session='.length, line.indexOf(';')),
        maxAge: age === undefined ? undefined : Number(age),
        reason,
      }
    },
  }
}

for (const row of ROWS) {
  test(`${row.name}: accepted up to the absolute deadline, refused the second after`, async () => {
    const { at, visit } = app(row, { maxAge: 3600 })
    const first = (await visit(undefined, 'POST')).token
    const second = (await visit(undefined, 'POST')).token
    at(before(3600))
    assert.deepEqual(await visit(first), {
      user: 'ada',
      token: undefined,
      maxAge: undefined,
      reason: undefined,
    })
    at(3600)
    const late = await visit(second)
    assert.equal(late.user, '')
    assert.equal(late.reason, 'expired')
  })

  test(`${row.name}: the cookie Max-Age is the remaining lifetime and ends with the token`, async () => {
    const { at, visit } = app(row, { maxAge: 1000, idleTimeout: 600 })
    const issued = await visit(undefined, 'POST')
    assert.equal(issued.maxAge, row.idle ? 600 : 1000)
    at(500)
    const rewritten = await visit(issued.token, 'POST')
    assert.equal(rewritten.maxAge, 500, 'what is left of maxAge, shorter than idleTimeout')
    // The cookie is gone at 500 + Max-Age: the token must not be refused earlier, nor live longer.
    const end = 500 + rewritten.maxAge!
    at(before(end))
    assert.equal((await visit(rewritten.token)).user, 'ada')
    at(end)
    assert.equal((await visit(rewritten.token)).reason, 'expired')
  })

  test(`${row.name}: a clock up to 5 s ahead is forgiven, more is refused as future`, async () => {
    const { at, visit } = app(row, { maxAge: 3600 })
    // Tokens stamped by a server whose clock reads 5 s and 6 s, read by one whose clock reads 0.
    at(5)
    const skewed = (await visit(undefined, 'POST')).token
    at(6)
    const early = (await visit(undefined, 'POST')).token
    at(0)
    assert.equal((await visit(skewed)).user, 'ada', '5 s ahead')
    const refused = await visit(early)
    assert.deepEqual([refused.user, refused.reason], ['', 'future'])
    at(1)
    assert.equal((await visit(early)).user, 'ada', 'a future verdict destroys nothing')
  })

  test(`${row.name}: setMaxAge gives one session a shorter lifetime, in the token and the cookie`, async () => {
    let time = T0
    const handler = withSession(
      async (request: Request) => {
        const session = await getSession<{ user: string }>(request)
        if (request.method === 'POST') {
          session.set('user', 'ada')
          session.setMaxAge(600)
        }
        return new Response(session.get('user') ?? '')
      },
      { codec: row.codec({ now: () => time, maxAge: 3600 }), ...cookie() },
    )
    const send = (token?: string) =>
      handler(
        new Request('http://localhost/', {
          method: token === undefined ? 'POST' : 'GET',
          headers: token === undefined ? {} : { cookie: `session=${token}` },
        }),
      )
    const first = (await send()).headers.get('set-cookie') ?? ''
    assert.match(first, /Max-Age=600;/)
    const token = first.slice('session='.length, first.indexOf(';'))
    time = T0 + 599_999
    assert.equal(await (await send(token)).text(), 'ada')
    time = T0 + 600_000
    assert.equal(await (await send(token)).text(), '')
  })

  if (!row.idle) continue

  test(`${row.name}: a session unused for idleTimeout is refused well inside maxAge`, async () => {
    const { at, visit } = app(row, { maxAge: 86_400, idleTimeout: 600 })
    const first = (await visit(undefined, 'POST')).token
    const second = (await visit(undefined, 'POST')).token
    at(before(600))
    assert.equal((await visit(first)).user, 'ada')
    at(600)
    const idle = await visit(second)
    assert.equal(idle.user, '')
    assert.equal(idle.reason, 'idle')
  })

  test(`${row.name}: an unchanged session is re-issued from half the idle window, not before`, async () => {
    const { at, visit } = app(row, { maxAge: 86_400, idleTimeout: 100 })
    const token = (await visit(undefined, 'POST')).token
    at(49)
    assert.deepEqual(await visit(token), {
      user: 'ada',
      token: undefined,
      maxAge: undefined,
      reason: undefined,
    })
    at(50)
    const renewed = await visit(token)
    assert.equal(renewed.user, 'ada')
    assert.ok(renewed.token, 'a Set-Cookie at half the window')
    assert.equal(renewed.maxAge, 100)
    at(50 + 49)
    assert.equal((await visit(renewed.token)).token, undefined, 'the renewed token is fresh again')
    at(50 + 50)
    assert.equal((await visit(renewed.token)).maxAge, 100)
  })

  test(`${row.name}: renewal by reads never extends the absolute lifetime`, async () => {
    const { at, visit } = app(row, { maxAge: 300, idleTimeout: 100 })
    let token = (await visit(undefined, 'POST')).token
    for (const second of [60, 120, 180, 240]) {
      at(second)
      const read = await visit(token)
      assert.equal(read.user, 'ada', `at ${second}`)
      assert.equal(read.maxAge, Math.min(300 - second, 100), `Max-Age at ${second}`)
      token = read.token ?? token
    }
    at(before(300))
    const last = await visit(token)
    assert.equal(last.user, 'ada')
    token = last.token ?? token
    at(300)
    const late = await visit(token)
    assert.equal(late.user, '')
    assert.equal(late.reason, 'expired')
  })
}

test("starletteCodec keeps itsdangerous' rule: valid at exactly maxAge, refused a second later", async () => {
  const token = await starletteCodec({ secretKey: SECRET, now: () => T0 }).encode({ user: 'ada' })
  const at = (seconds: number) =>
    starletteCodec({ secretKey: SECRET, maxAge: 60, now: () => T0 + seconds * 1000 })
  assert.deepEqual(await at(60.999).decode(token), { user: 'ada' })
  await assert.rejects(async () => at(61).decode(token), /expired/)
})

test('Starlette, Flask and Django refuse a timestamp a second ahead by default; clockTolerance forgives', async () => {
  const makers: [string, (o: { now: () => number; clockTolerance?: number }) => CodecBackend][] = [
    ['starletteCodec', (o) => starletteCodec({ secretKey: SECRET, ...o })],
    ['flaskCodec', (o) => flaskCodec({ secretKey: SECRET, ...o })],
    ['djangoCodec', (o) => djangoCodec({ secretKey: SECRET, ...o })],
  ]
  for (const [name, make] of makers) {
    const ahead = await make({ now: () => T0 + 1000 }).encode({ user: 'ada' })
    await assert.rejects(async () => make({ now: () => T0 }).decode(ahead), /future/, name)
    const tolerant = make({ now: () => T0, clockTolerance: 1 })
    assert.deepEqual(await tolerant.decode(ahead), { user: 'ada' }, name)
  }
})

test("jwtCodec's clockTolerance is jose's leeway: exp extended, nbf forgiven, none by default", async () => {
  const codec = (o: { now: () => number; clockTolerance?: number }) =>
    jwtCodec({ key: SECRET, algorithms: ['HS256'], ...o })
  const expiring = await codec({ now: () => T0 }).encode({ exp: T0 / 1000 })
  const at = (seconds: number, clockTolerance?: number) =>
    codec({ now: () => T0 + seconds * 1000, clockTolerance }).decode(expiring)
  await assert.rejects(async () => at(0), /expired/)
  assert.deepEqual(await at(10, 30), { exp: T0 / 1000 })
  await assert.rejects(async () => at(31, 30), /expired/)
  const early = await codec({ now: () => T0 }).encode({ nbf: T0 / 1000 + 1 })
  await assert.rejects(async () => codec({ now: () => T0 }).decode(early), /future/)
  assert.deepEqual(await codec({ now: () => T0, clockTolerance: 1 }).decode(early), {
    nbf: T0 / 1000 + 1,
  })
})

test('every lifetime option is a whole number of seconds up to 400 days, refused otherwise', () => {
  const makers: [string, (lifetimes: Record<string, unknown>) => unknown][] = [
    ['signedCodec', (o) => signedCodec({ secrets: SECRET, ...o })],
    ['encryptedCodec', (o) => encryptedCodec({ secrets: SECRET, ...o })],
    ['jwtCodec', (o) => jwtCodec({ key: SECRET, algorithms: ['HS256'], ...o })],
    ['storeCodec', (o) => storeCodec({ store: memoryStore(), ...o })],
  ]
  const days400 = 400 * 86400
  for (const [name, make] of makers) {
    for (const option of ['maxAge', 'idleTimeout']) {
      for (const bad of [90.5, 3600.5, 1e21, 0, -1, days400 + 1, Number.NaN, '3600']) {
        assert.throws(
          () => make({ [option]: bad }),
          (error: unknown) => (error as { code?: string }).code === 'ERR_SESSION_CONFIG',
          `${name} ${option} ${bad}`,
        )
      }
      for (const good of [1, 3600, days400]) make({ [option]: good })
    }
  }
})
