/**
 * The RFC 6265 browser model (tests/fixtures/rfc6265-browser.ts) against the http-state parser
 * vectors (tests/vectors/http-state/parser.json); then every
 * Set-Cookie the library writes goes through it: the browser must keep each cookie with the
 * name, value and attributes intended.
 */
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import {
  type CookieOptions,
  cookie,
  cookieStorage,
  signedCodec,
  starletteCodec,
} from '../../src/index.ts'
import { Browser } from '../fixtures/rfc6265-browser.ts'

const VECTORS = fileURLToPath(new URL('../vectors/http-state/', import.meta.url))

interface Vector {
  test: string
  disabled: boolean
  set_cookie_headers: string[]
  location: string | null
  expected_cookie_header: string
}

test('http-state parser vectors pass through the RFC 6265 browser model', (t) => {
  const file = `${VECTORS}parser.json`
  assert.ok(existsSync(file), 'test vectors missing: tests/vectors/http-state/parser.json')
  const { tests, count } = JSON.parse(readFileSync(file, 'utf8')) as {
    tests: Vector[]
    count: number
  }
  assert.equal(tests.length, count)
  let passed = 0
  const skipped = new Map<string, string[]>()
  const failed: string[] = []
  for (const vector of tests) {
    const reason = vector.disabled
      ? 'disabled upstream'
      : vector.expected_cookie_header.startsWith('Set-Cookie:')
        ? 'expected output is broken upstream: a copy of the Set-Cookie input'
        : undefined
    if (reason !== undefined) {
      skipped.set(reason, [...(skipped.get(reason) ?? []), vector.test])
      continue
    }
    // The vectors were written in 2011: a clock then keeps their "future" dates in the future.
    const browser = new Browser(Date.UTC(2011, 3, 1))
    const origin = new URL(`http://home.example.org:8888/cookie-parser?${vector.test}`)
    for (const header of vector.set_cookie_headers) browser.receive(header, origin)
    const next = new URL(vector.location ?? `/cookie-parser-result?${vector.test}`, origin)
    const sent = browser.cookieHeader(next)
    if (sent === vector.expected_cookie_header) passed++
    else
      failed.push(
        `${vector.test}: sent ${JSON.stringify(sent)}, expected ${JSON.stringify(vector.expected_cookie_header)}`,
      )
  }
  t.diagnostic(`passed ${passed} of ${tests.length}`)
  for (const [reason, ids] of skipped)
    t.diagnostic(`skipped ${ids.length} (${reason}): ${ids.join(' ')}`)
  assert.deepEqual(failed, [])
})

const T0 = Date.UTC(2026, 0, 1)
const PAGE = new URL('https://app.example.com/app/settings')
const SECRET = 'a-test-secret-that-is-32-bytes-long!'
const MAX_AGE = 400 * 24 * 60 * 60

function combinations(): CookieOptions[] {
  const out: CookieOptions[] = []
  for (const name of ['session', '__Host-session', '__Secure-session', '__host-session'])
    for (const path of [undefined, '/', '/app'])
      for (const domain of [undefined, 'example.com', '.example.com', 'APP.example.com'])
        for (const sameSite of [undefined, 'lax', 'Strict', 'NONE'] as const)
          for (const secure of [undefined, true, false])
            for (const httpOnly of [undefined, false])
              for (const partitioned of [undefined, true])
                for (const maxAge of [undefined, null, 1, 60, MAX_AGE]) {
                  out.push({ name, path, domain, sameSite, secure, httpOnly, partitioned, maxAge })
                }
  return out
}

/** The Max-Age the library documents: the smaller of the option and the token's, ≤ 400 days. */
function intendedAge(option: number | null | undefined, token: number | undefined) {
  if (option === null) return undefined
  const age = option === undefined ? token : token === undefined ? option : Math.min(option, token)
  return age === undefined ? undefined : Math.min(age, MAX_AGE)
}

/** Option sets whose cookie a current browser refuses (6265bis prefixes, SameSite=None, CHIPS). */
function browserDrops(options: CookieOptions): boolean {
  const secure = options.secure ?? true
  const name = options.name!.toLowerCase()
  const host = name.startsWith('__host-')
  if (host && ((options.path ?? '/') !== '/' || options.domain !== undefined)) return true
  if (secure) return false
  return (
    host ||
    name.startsWith('__secure-') ||
    options.sameSite?.toLowerCase() === 'none' ||
    options.partitioned === true
  )
}

async function tokens(): Promise<string[]> {
  const now = () => T0
  return [
    await signedCodec({ secrets: SECRET, now }).encode({ user: 'ada' }),
    // Standard base64 with +, / and = padding: the widest alphabet a codec writes.
    await starletteCodec({ secretKey: SECRET, now }).encode({ user: 'ada', n: '~~~>>>???' }),
  ]
}

test('every valid cookie option combination writes a Set-Cookie the browser keeps as intended', async (t) => {
  let kept = 0
  let refused = 0
  for (const options of combinations()) {
    let storage: ReturnType<typeof cookieStorage>
    try {
      storage = cookieStorage(options)
    } catch {
      assert.ok(browserDrops(options), `refused, yet a browser keeps: ${JSON.stringify(options)}`)
      refused++
      continue
    }
    assert.ok(!browserDrops(options), `accepted, yet a browser drops: ${JSON.stringify(options)}`)
    for (const token of await tokens()) {
      for (const tokenAge of [undefined, 1800]) {
        const label = `${JSON.stringify(options)} token Max-Age ${tokenAge}`
        const headers = new Headers()
        storage.persist(headers, token, tokenAge === undefined ? {} : { maxAge: tokenAge })
        assert.equal(headers.getSetCookie().length, 1, label)
        const browser = new Browser(T0)
        browser.receive(headers.getSetCookie()[0]!, PAGE)
        const age = intendedAge(options.maxAge, tokenAge)
        const name = options.name!
        const stored = browser.cookies.find((c) => c.name === name)
        assert.ok(stored, `kept: ${label}`)
        assert.equal(browser.cookies.length, 1, label)
        assert.equal(stored.value, token, label)
        assert.equal(stored.path, options.path ?? '/', label)
        assert.equal(stored.hostOnly, options.domain === undefined, label)
        const domain = options.domain?.replace(/^\./, '').toLowerCase() ?? PAGE.hostname
        assert.equal(stored.domain, domain, label)
        assert.equal(stored.secure, options.secure ?? true, label)
        assert.equal(stored.httpOnly, options.httpOnly ?? true, label)
        const site = (options.sameSite ?? 'lax').toLowerCase()
        assert.equal(stored.sameSite, site[0]!.toUpperCase() + site.slice(1), label)
        assert.equal(stored.partitioned, options.partitioned ?? false, label)
        assert.equal(stored.persistent, age !== undefined, label)
        assert.equal(stored.expiry, age === undefined ? Infinity : T0 + age * 1000, label)
        assert.equal(browser.cookieHeader(PAGE), `${name}=${token}`, label)
        // The clear string removes exactly that cookie.
        const clearing = new Headers()
        storage.clear(clearing)
        for (const line of clearing.getSetCookie()) browser.receive(line, PAGE)
        assert.deepEqual(browser.cookies, [], `cleared: ${label}`)
        kept++
      }
    }
  }
  t.diagnostic(`kept ${kept}, option sets refused ${refused}`)
  assert.ok(kept > 1000)
})

test('chunks: each is kept, the set reads back whole, and stale chunks are expired', async () => {
  const [signed] = await tokens()
  for (const name of ['session', '__Host-session']) {
    const { storage, authorization } = cookie({ name, maxChunks: 4, maxAge: 3600 })
    const browser = new Browser(T0)
    /** One response applied to the browser: the cookie names it then holds, and what reads back. */
    const visit = (token: string | undefined) => {
      const request = new Request(PAGE, { headers: { cookie: browser.cookieHeader(PAGE) } })
      const headers = new Headers()
      if (token === undefined) storage.clear(headers, { request })
      else storage.persist(headers, token, { request })
      for (const line of headers.getSetCookie()) browser.receive(line, PAGE)
      const next = new Request(PAGE, { headers: { cookie: browser.cookieHeader(PAGE) } })
      const read = authorization.getToken(next)
      return { names: browser.cookies.map((c) => c.name).sort(), whole: read === token }
    }
    const chunks = (n: number) => Array.from({ length: n }, (_, i) => `${name}.${i}`)
    const big = `${signed!}${'x'.repeat(3 * 3900)}`
    const middle = big.slice(0, 6000)
    assert.deepEqual(visit(big), { names: chunks(3), whole: true })
    assert.deepEqual(visit(middle), { names: chunks(2), whole: true })
    assert.deepEqual(visit(signed), { names: [name], whole: true })
    assert.deepEqual(visit(middle), { names: chunks(2), whole: true })
    for (const c of browser.cookies) {
      assert.ok(c.secure && c.httpOnly && c.path === '/' && c.hostOnly && c.sameSite === 'Lax')
      assert.equal(c.expiry, T0 + 3600 * 1000)
    }
    assert.deepEqual(visit(undefined), { names: [], whole: true })
  }
})
