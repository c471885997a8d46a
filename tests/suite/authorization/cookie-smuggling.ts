/**
 * Cookies another host of the site planted, through a `,` inside a cookie's name or value, are
 * never read as a `__Host-` cookie or one of its chunks; unprefixed names offer every candidate.
 */
import assert from 'node:assert/strict'
import {
  type CodecBackend,
  cookie,
  cookieAuthorization,
  DecodeError,
  signedCodec,
} from '../../../src/index.ts'
import { counter, nextCookie, OTHER_SECRET, request, SECRET } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('cookie smuggling')

/** signedCodec that records every token it is handed. */
function spied(secret = SECRET): { codec: CodecBackend; seen: string[] } {
  const inner = signedCodec({ secrets: secret })
  const seen: string[] = []
  return {
    seen,
    codec: {
      encode: (data) => inner.encode(data),
      decode: (token) => {
        seen.push(token)
        return inner.decode(token)
      },
    },
  }
}

/** A valid token for `{ count }` under `secret`. */
async function token(count: number, secret = SECRET): Promise<string> {
  return signedCodec({ secrets: secret }).encode({ count })
}

const HOST = '__Host-session'

test('a __Host- cookie planted inside another cookie, beside the real one: empty session, injected, the codec never sees it', async () => {
  const victim = await token(5)
  const attacker = await token(100)
  const { codec, seen } = spied()
  const { handler, invalid } = counter({ codec, ...cookie({ name: HOST }) })
  for (const header of [
    // What Chromium sends for pref=x,__Host-session=… set with Domain= by a sibling, Path=/account.
    `pref=x,${HOST}=${attacker}; ${HOST}=${victim}`,
    `pref=x, ${HOST}=${attacker}; ${HOST}=${victim}`,
    // The comma in the name instead: a cookie named "a,__Host-session".
    `a,${HOST}=${attacker}; ${HOST}=${victim}`,
    // Planted after the real one.
    `${HOST}=${victim}; pref=x,${HOST}=${attacker}`,
  ]) {
    const response = await handler(request(header, {}, 'https://example.test/account'))
    assert.equal(await response.text(), '1', header)
  }
  assert.deepEqual(seen, [], 'the codec is never handed a value')
  assert.deepEqual(
    invalid.map((error) => error.reason),
    ['injected', 'injected', 'injected', 'injected'],
  )
  for (const error of invalid) {
    assert.ok(!error.message.includes(attacker) && !error.message.includes(victim))
  }
})

test('a __Host- cookie planted alone (login CSRF) is never read', async () => {
  const attacker = await token(100)
  const { codec, seen } = spied()
  const { handler, invalid } = counter({ codec, ...cookie({ name: HOST }) })
  for (const header of [`pref=x,${HOST}=${attacker}`, `a,${HOST}=${attacker}; theme=dark`]) {
    assert.equal(await (await handler(request(header))).text(), '1', header)
  }
  assert.deepEqual(seen, [])
  assert.deepEqual(
    invalid.map((error) => error.reason),
    ['injected', 'injected'],
  )
})

test('a __Host- name presented twice, however, is an injection; once, it is read', async () => {
  const authorization = cookieAuthorization({ name: HOST })
  const one = await token(1)
  const two = await token(2)
  assert.deepEqual(authorization.getTokens(request(`a=1; ${HOST}=${one}; b=2`)), [one])
  assert.equal(authorization.getToken(request(`${HOST}=${one}`)), one)
  for (const header of [
    `${HOST}=${one}; ${HOST}=${two}`,
    `${HOST}=${one}; ${HOST}=${one}`,
    `${HOST}=; ${HOST}=${one}`,
  ]) {
    assert.throws(
      () => authorization.getToken(request(header)),
      (error: unknown) => error instanceof DecodeError && error.reason === 'injected',
      header,
    )
  }
  // Another letter case is another cookie, never this one.
  assert.equal(authorization.getToken(request(`__host-session=${two}; ${HOST}=${one}`)), one)
  // __Host-Http- names get the same rule, in any letter case.
  const http = cookieAuthorization({ name: '__HOST-HTTP-session' })
  assert.throws(() => http.getToken(request(`p=x,__HOST-HTTP-session=${one}`)), DecodeError)
})

test('chunks of a __Host- name cannot be planted either', async () => {
  const big = `${await token(7)}${'x'.repeat(5000)}`
  const { storage, authorization } = cookie({ name: HOST, maxChunks: 4 })
  const headers = new Headers()
  storage.persist(headers, big, {})
  const jar = nextCookie(new Response(null, { headers }))
  assert.equal(authorization.getToken(request(jar)), big, 'real chunks read back whole')
  for (const header of [
    `pref=x,${HOST}.0=planted; ${jar}`,
    `${jar}; pref=x,${HOST}.1=planted`,
    `pref=x,${HOST}.0=planted`,
  ]) {
    assert.throws(
      () => authorization.getTokens(request(header)),
      (error: unknown) => error instanceof DecodeError && error.reason === 'injected',
      header,
    )
  }
})

test('a __Secure- or __Http- cookie is read only as a cookie of its own', async () => {
  const one = await token(1)
  const two = await token(2)
  for (const name of ['__Secure-session', '__secure-session', '__Http-session']) {
    const authorization = cookieAuthorization({ name })
    assert.deepEqual(authorization.getTokens(request(`p=x,${name}=${two}`)), [], name)
    assert.deepEqual(authorization.getTokens(request(`p=x,${name}=${two}; ${name}=${one}`)), [one])
    // The browser may hold several (other paths or domains): each is a candidate, in its order.
    assert.deepEqual(authorization.getTokens(request(`${name}=${one}; ${name}=${two}`)), [one, two])
  }
})

test('an unprefixed name: every value is a candidate, own cookies first, empty ones skipped, at most four', async () => {
  const authorization = cookieAuthorization({ name: 'session' })
  const [a, b, c] = [await token(1), await token(2), await token(3)]
  assert.deepEqual(authorization.getTokens(request(`session=${a}; session=${b}`)), [a, b])
  assert.deepEqual(authorization.getTokens(request(`session=; x=1,session=${c}; session=${a}`)), [
    a,
    c,
  ])
  assert.deepEqual(authorization.getTokens(request(`session=${a}; session=${a}`)), [a])
  assert.equal(authorization.getToken(request(`session=${b}; session=${a}`)), b)
  const many = Array.from({ length: 1000 }, (_, i) => `session=v${i}`).join('; ')
  assert.deepEqual(authorization.getTokens(request(many)), ['v0', 'v1', 'v2', 'v3'])
  assert.deepEqual(authorization.getTokens(request('other=1')), [])
})

test('several Cookie headers joined with ", " (workerd, Deno Headers) still carry an unprefixed session', async () => {
  const { handler } = counter()
  const jar = nextCookie(await handler(request()))
  // workerd's HTTP server hands the handler several Cookie header lines joined with ", ".
  const response = await handler(request(`theme=dark; lang=en, ${jar}`))
  assert.equal(await response.text(), '2')
  // Deno.serve and Node join them with "; ", as HTTP/2 requires: every name works there.
  const { handler: host } = counter({
    codec: signedCodec({ secrets: SECRET }),
    ...cookie({ name: HOST }),
  })
  const hostJar = nextCookie(await host(request()))
  assert.equal(await (await host(request(`theme=dark; ${hostJar}`))).text(), '2')
  // A __Host- cookie in a joined header line is indistinguishable from a planted one: refused.
  const refused = counter({ codec: signedCodec({ secrets: SECRET }), ...cookie({ name: HOST }) })
  assert.equal(await (await refused.handler(request(`theme=dark, ${hostJar}`))).text(), '1')
  assert.deepEqual(
    refused.invalid.map((error) => error.reason),
    ['injected'],
  )
})

test('with a stale unprefixed cookie first, getTokens still offers the one that verifies', async () => {
  const authorization = cookieAuthorization({ name: 'session' })
  const codec = signedCodec({ secrets: SECRET })
  const stale = await token(9, OTHER_SECRET)
  const good = await token(3)
  const tokens = authorization.getTokens(request(`session=${stale}; session=${good}`))
  assert.deepEqual(tokens, [stale, good])
  // What a server that tries each candidate keeps: the first that verifies.
  let kept: unknown
  for (const candidate of tokens) {
    try {
      kept = await codec.decode(candidate)
      break
    } catch (error) {
      assert.ok(error instanceof DecodeError)
    }
  }
  assert.deepEqual(kept, { count: 3 })
})
