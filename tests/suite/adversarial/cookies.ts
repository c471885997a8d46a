/** Cookie attacks: size boundaries, tossed and shadowed cookies, hostile values, header injection. */
import assert from 'node:assert/strict'
import {
  bearerAuthorization,
  cookie,
  cookieAuthorization,
  cookieStorage,
  headerAuthorization,
  headerStorage,
  SessionError,
} from '../../../src/index.ts'
import { KITS, type Kit, probe, utf8 } from '../../fixtures/adversarial/kits.ts'
import { suite } from '../../harness.ts'

const test = suite('adversarial/cookies')

/** Applies a response's Set-Cookie lines to a jar of name → value, as a browser would. */
function apply(jar: Map<string, string>, response: Headers): Map<string, string> {
  for (const line of response.getSetCookie()) {
    const pair = line.split(';')[0]!
    const name = pair.slice(0, pair.indexOf('='))
    if (/;\s*Max-Age=0/i.test(line)) jar.delete(name)
    else jar.set(name, pair.slice(name.length + 1))
  }
  return jar
}

const cookieHeader = (jar: Map<string, string>) =>
  [...jar].map(([name, value]) => `${name}=${value}`).join('; ')

test('every Set-Cookie, chunks included, stays within 4096 bytes at each boundary', () => {
  for (const [name, maxChunks] of [
    ['session', 3],
    ['__Host-session', 3],
    ['s', 10],
  ] as const) {
    const single = 4096 - name.length - 1
    const chunk = 4096 - name.length - 3
    const { storage, authorization } = cookie({ name, maxChunks })
    for (const length of [single, single + 1, 2 * chunk, 2 * chunk + 1, 3 * chunk]) {
      const token = `${'x'.repeat(length - 1)}y`
      const headers = new Headers()
      storage.persist(headers, token, {})
      for (const line of headers.getSetCookie()) {
        const pair = line.split(';')[0]!
        assert.ok(utf8(pair).length <= 4096, `${name} ${length}: ${pair.length}`)
      }
      const jar = apply(new Map(), headers)
      const request = new Request('http://localhost/', { headers: { cookie: cookieHeader(jar) } })
      assert.equal(authorization.getToken(request), token, `${name} ${length}`)
    }
    if (maxChunks < 10) {
      assert.throws(
        () => storage.persist(new Headers(), 'x'.repeat(maxChunks * chunk + 1), {}),
        (error: unknown) => error instanceof SessionError && error.code === 'ERR_SESSION_TOO_LARGE',
      )
    }
  }
})

/** Two valid tokens of one codec: the victim's and the one an attacker got by logging in. */
async function pair(kit: Kit) {
  const codec = kit.codec()
  return {
    codec,
    ours: await codec.encode({ user: 'ada' }),
    theirs: await codec.encode({ user: 'eve' }),
  }
}

test('a tossed cookie in another casing of __Host- is another cookie, never the session', async () => {
  const kit = KITS[0]!
  const { codec, ours, theirs } = await pair(kit)
  const auth = cookieAuthorization({ name: '__Host-session' })
  for (const header of [
    `__host-session=${theirs}; __Host-session=${ours}`,
    `__HOST-session=${theirs}; __Host-session=${ours}`,
    `__Host-Session=${theirs}; __Host-session=${ours}`,
  ]) {
    const token = auth.getToken(new Request('http://localhost/', { headers: { cookie: header } }))
    assert.equal(token, ours)
    assert.deepEqual((await codec.decode(token!)).user, 'ada')
  }
  const alone = new Request('http://localhost/', {
    headers: { cookie: `__host-session=${theirs}` },
  })
  assert.equal(auth.getToken(alone), undefined)
})

test('one unprefixed name twice: the value that verifies wins, whichever comes first', async () => {
  for (const kit of KITS) {
    const { codec, ours } = await pair(kit)
    for (const pairs of [
      ['session=forged.value', `session=${ours}`],
      [`session=${ours}`, 'session=forged.value'],
    ]) {
      const headers = new Headers()
      for (const pair of pairs) headers.append('cookie', pair)
      const outcome = await probe(codec, undefined, { cookieHeader: headers.get('cookie')! })
      assert.equal(outcome.data.user, 'ada', `${kit.name}: ${pairs[0]}`)
      assert.deepEqual(outcome.reasons, [], kit.name)
    }
    // Neither verifies: an empty session, and the first one's reason only.
    const outcome = await probe(codec, undefined, {
      cookieHeader: 'session=forged.value; session=other.value',
    })
    assert.deepEqual(outcome.data, {}, kit.name)
    assert.equal(outcome.reasons.length, 1, kit.name)
  }
})

test('U+00A0 around a name shadows nothing; tab and space around it are trimmed', async () => {
  for (const kit of KITS) {
    const { codec, ours, theirs } = await pair(kit)
    const user = async (header: string) =>
      (await probe(codec, undefined, { cookieHeader: header })).data.user
    assert.equal(await user(`\u00a0session=${theirs}; session=${ours}`), 'ada', kit.name)
    assert.equal(await user(`session\u00a0=${theirs}; session=${ours}`), 'ada', kit.name)
    assert.equal(await user(`session\u00a0=${ours}`), undefined, kit.name)
    assert.equal(await user(`a=1;\tsession\t=\t${ours}`), 'ada', kit.name)
    assert.equal(await user(`a=1;  session = ${ours}`), 'ada', kit.name)
  }
})

test('a value with a comma, a quote, a backslash or non-ASCII never decodes', async () => {
  for (const kit of KITS) {
    const { codec, ours } = await pair(kit)
    // Documented: a comma ends a pair (Deno and workerd join Cookie headers with ', ').
    assert.equal(
      (await probe(codec, undefined, { cookieHeader: `session=${ours},x` })).data.user,
      'ada',
    )
    assert.equal(
      (await probe(codec, undefined, { cookieHeader: `session="${ours}"` })).data.user,
      'ada',
    )
    for (const value of [
      `"${ours}`,
      `${ours}"`,
      `${ours}\\`,
      `\\${ours}`,
      `${ours}\u00e9`,
      `\u00e9${ours}`,
      `"${ours}\\"`,
    ]) {
      const outcome = await probe(codec, undefined, { cookieHeader: `session=${value}` })
      assert.deepEqual(outcome.data, {}, `${kit.name}: ${value.slice(0, 12)}`)
      assert.equal(outcome.reasons.length, 1, `${kit.name}: ${value.slice(0, 12)}`)
    }
  }
})

test('a nameless cookie or one without = never counts as the session', async () => {
  for (const kit of KITS) {
    const { codec, ours } = await pair(kit)
    for (const header of [`=${ours}`, `session; =${ours}`, ours, ` =${ours}`, `session;${ours}`]) {
      const outcome = await probe(codec, undefined, { cookieHeader: header })
      assert.deepEqual(outcome.data, {}, `${kit.name}: ${header.slice(0, 12)}`)
      assert.deepEqual(outcome.reasons, [], 'no token was presented at all')
    }
  }
})

test('every option that reaches Set-Cookie or a header name refuses ;, CR, LF and NUL at runtime', () => {
  const injections = [';', '\r', '\n', '\r\nSet-Cookie: admin=1', '\0', '; Domain=evil.example']
  const builders: [string, (bad: string) => unknown][] = [
    ['cookie name', (bad) => cookie({ name: `s${bad}` as never })],
    ['cookie path', (bad) => cookie({ path: `/${bad}` as never })],
    ['cookie domain', (bad) => cookie({ domain: `example.com${bad}` as never })],
    ['cookie sameSite', (bad) => cookie({ sameSite: `lax${bad}` as never })],
    ['cookie maxAge', (bad) => cookie({ maxAge: `60${bad}` as never })],
    ['cookie maxChunks', (bad) => cookie({ maxChunks: `2${bad}` as never })],
    ['cookieStorage name', (bad) => cookieStorage({ name: `${bad}s` as never })],
    ['cookieAuthorization name', (bad) => cookieAuthorization({ name: `s${bad}` as never })],
    [
      'cookieAuthorization maxChunks',
      (bad) => cookieAuthorization({ maxChunks: `2${bad}` as never }),
    ],
    ['headerStorage header', (bad) => headerStorage({ header: `x-token${bad}` as never })],
    [
      'headerAuthorization header',
      (bad) => headerAuthorization({ header: `x-token${bad}` as never }),
    ],
    [
      'bearerAuthorization scheme',
      (bad) => bearerAuthorization({ scheme: `Bearer${bad}` as never }),
    ],
  ]
  for (const [what, build] of builders) {
    for (const bad of injections) {
      assert.throws(
        () => build(bad),
        (error: unknown) => error instanceof SessionError && error.code === 'ERR_SESSION_CONFIG',
        `${what} with ${JSON.stringify(bad)}`,
      )
    }
  }
  // The same options, well formed, build: the refusals above are about the characters.
  cookie({ name: 's', path: '/', domain: 'example.com', sameSite: 'lax', maxAge: 60, maxChunks: 2 })
  headerStorage({ header: 'x-token' })
  bearerAuthorization({ scheme: 'Bearer' })
})

test('a Cookie header of 400,000 separators without = still finds the cookie after them', () => {
  // The parser looks for the next '=' once per pair it passes, not once per pair from the start:
  // linear, so a huge header (Bun, Deno and workerd accept more than Node's 16 KiB) costs little.
  for (const auth of [cookieAuthorization(), cookieAuthorization({ maxChunks: 2 })]) {
    const request = new Request('http://localhost/', {
      headers: { cookie: `${';'.repeat(400_000)}session=tok` },
    })
    assert.equal(auth.getToken(request), 'tok')
  }
})
