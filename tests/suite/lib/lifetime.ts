/**
 * One lifetime contract, asserted for every codec that has lifetimes at once: absolute `maxAge`
 * (`expiresIn` for JWTs), `idleTimeout` with renewal, and the cookie's Max-Age, through
 * `withSession` and cookies on an injected clock. docs/lifetimes.md describes the same table.
 */
import assert from 'node:assert/strict'
import type { CodecBackend, DecodeErrorReason } from '../../../src/index.ts'
import {
  cookie,
  encryptedCodec,
  getSession,
  jwtCodec,
  memoryStore,
  signedCodec,
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
  /** Accepted at exactly its deadline (our own formats), or refused there (JOSE `exp`, RFC 7519). */
  inclusive: boolean
  /** What a token one second past its absolute deadline is turned down as. */
  expired: DecodeErrorReason
  /** The same one second past its idle deadline; `undefined` when the codec has no idleTimeout. */
  idle: DecodeErrorReason | undefined
}

const ROWS: Row[] = [
  {
    name: 'signedCodec',
    codec: (o) => signedCodec({ secrets: SECRET, ...o }),
    inclusive: true,
    expired: 'expired',
    idle: 'idle',
  },
  {
    // A JWE: the RFC 7519 exp it carries (the earlier deadline) is what fails first.
    name: 'encryptedCodec',
    codec: (o) => encryptedCodec({ secrets: SECRET, ...o }),
    inclusive: false,
    expired: 'expired',
    idle: 'expired',
  },
  {
    name: 'jwtCodec with expiresIn',
    codec: ({ now, maxAge }) =>
      jwtCodec({ key: SECRET, algorithms: ['HS256'], now, expiresIn: maxAge }),
    inclusive: false,
    expired: 'expired',
    idle: undefined,
  },
  {
    name: 'jwtCodec with expiresIn and idleTimeout',
    codec: ({ now, maxAge, idleTimeout }) =>
      jwtCodec({ key: SECRET, algorithms: ['HS256'], now, expiresIn: maxAge, idleTimeout }),
    inclusive: false,
    expired: 'expired',
    idle: 'idle',
  },
  {
    // The record's TTL is the remaining lifetime, and memoryStore drops it at exactly that time.
    name: 'storeCodec with memoryStore',
    codec: (o) => storeCodec({ store: memoryStore({ now: o.now }), secrets: SECRET, ...o }),
    inclusive: false,
    expired: 'unknown',
    idle: 'unknown',
  },
]

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
      time = T0 + seconds * 1000
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
    /** The last second at which a token whose deadline is `deadline` is still accepted. */
    lastValid: (deadline: number) => (row.inclusive ? deadline : deadline - 1),
  }
}

for (const row of ROWS) {
  test(`${row.name}: accepted up to the absolute deadline, refused the second after`, async () => {
    const { at, visit, lastValid } = app(row, { maxAge: 3600 })
    const first = (await visit(undefined, 'POST')).token
    const second = (await visit(undefined, 'POST')).token
    at(lastValid(3600))
    assert.deepEqual(await visit(first), {
      user: 'ada',
      token: undefined,
      maxAge: undefined,
      reason: undefined,
    })
    at(lastValid(3600) + 1)
    const late = await visit(second)
    assert.equal(late.user, '')
    assert.equal(late.reason, row.expired)
  })

  test(`${row.name}: the cookie Max-Age is the remaining lifetime and ends with the token`, async () => {
    const { at, visit, lastValid } = app(row, { maxAge: 1000, idleTimeout: 600 })
    const issued = await visit(undefined, 'POST')
    assert.equal(issued.maxAge, row.idle === undefined ? 1000 : 600)
    at(500)
    const rewritten = await visit(issued.token, 'POST')
    assert.equal(rewritten.maxAge, 500, 'what is left of maxAge, shorter than idleTimeout')
    // The cookie is gone at 500 + Max-Age: the token must not be refused earlier, nor live longer.
    const end = 500 + rewritten.maxAge!
    at(lastValid(end))
    assert.equal((await visit(rewritten.token)).user, 'ada')
    at(lastValid(end) + 1)
    assert.equal((await visit(rewritten.token)).reason, row.expired)
  })

  if (row.idle === undefined) continue

  test(`${row.name}: a session unused for idleTimeout is refused well inside maxAge`, async () => {
    const { at, visit, lastValid } = app(row, { maxAge: 86_400, idleTimeout: 600 })
    const first = (await visit(undefined, 'POST')).token
    const second = (await visit(undefined, 'POST')).token
    at(lastValid(600))
    assert.equal((await visit(first)).user, 'ada')
    at(lastValid(600) + 1)
    const idle = await visit(second)
    assert.equal(idle.user, '')
    assert.equal(idle.reason, row.idle)
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
    const { at, visit, lastValid } = app(row, { maxAge: 300, idleTimeout: 100 })
    let token = (await visit(undefined, 'POST')).token
    for (const second of [60, 120, 180, 240]) {
      at(second)
      const read = await visit(token)
      assert.equal(read.user, 'ada', `at ${second}`)
      assert.equal(read.maxAge, Math.min(300 - second, 100), `Max-Age at ${second}`)
      token = read.token ?? token
    }
    at(lastValid(300))
    const last = await visit(token)
    assert.equal(last.user, 'ada')
    token = last.token ?? token
    at(lastValid(300) + 1)
    const late = await visit(token)
    assert.equal(late.user, '')
    assert.equal(late.reason, row.expired)
  })
}
