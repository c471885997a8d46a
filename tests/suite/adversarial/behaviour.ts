/** What the library does around a token: failed handlers, logout, rotation, floods, leaks. */
import assert from 'node:assert/strict'
import type { CodecBackend, SessionOptions, SessionStore } from '../../../src/index.ts'
import {
  cookie,
  cookieStorage,
  encryptedCodec,
  getSession,
  headerStorage,
  jwtCodec,
  memoryStore,
  SessionError,
  signedCodec,
  starletteCodec,
  storeCodec,
  withSession,
} from '../../../src/index.ts'
import {
  K1,
  K2,
  K3,
  KITS,
  type Kit,
  probe,
  SECRETS,
  seen,
  T0,
  toBase64url,
  utf8,
} from '../../fixtures/adversarial/kits.ts'
import { suite } from '../../harness.ts'

const test = suite('adversarial/behaviour')

/** A memory store that counts what it is asked to write. */
function countingStore(): SessionStore & { writes: number; deletes: number } {
  const inner = memoryStore({ now: () => T0 })
  const store = {
    writes: 0,
    deletes: 0,
    get: (id: string) => inner.get(id),
    set: (...args: Parameters<SessionStore['set']>) => {
      store.writes++
      return inner.set(...args)
    },
    patch: (...args: Parameters<SessionStore['patch']>) => {
      store.writes++
      return inner.patch(...args)
    },
    delete: (id: string) => {
      store.deletes++
      return inner.delete(id)
    },
  }
  return store
}

function countingCodec(codec: CodecBackend): CodecBackend & { encodes: number } {
  const counted = {
    encodes: 0,
    encode: (...args: Parameters<CodecBackend['encode']>) => {
      counted.encodes++
      return codec.encode(...args)
    },
    decode: codec.decode.bind(codec),
    destroy: codec.destroy?.bind(codec),
  }
  return counted
}

test('a handler that throws commits nothing: no encode, no store write, its own error', async () => {
  for (const kit of KITS) {
    const store = countingStore()
    const inner = kit.codec({ store })
    const token = await inner.encode({ user: 'ada' })
    const before = { writes: store.writes, deletes: store.deletes }
    const codec = countingCodec(inner)
    const boom = new Error('boom')
    for (const action of ['set', 'destroy', 'regenerate'] as const) {
      const handler = withSession(
        async (request: Request) => {
          const session = await getSession(request)
          if (action === 'set') session.set('user', 'eve')
          else session[action]()
          throw boom
        },
        { codec, ...cookie() },
      )
      const request = new Request('http://localhost/', { headers: { cookie: `session=${token}` } })
      await assert.rejects(handler(request), (error) => error === boom)
    }
    assert.equal(codec.encodes, 0, kit.name)
    assert.deepEqual({ writes: store.writes, deletes: store.deletes }, before, kit.name)
    assert.equal(
      (await probe(inner, token)).data.user,
      'ada',
      `${kit.name}: the old session stands`,
    )
  }
})

test('logout that does not invalidate: replaying the cookie after destroy()', async () => {
  for (const kit of KITS) {
    let time = T0
    const codec = kit.codec({ now: () => time })
    const token = await codec.encode({ user: 'ada' })
    const logout = withSession(
      async (request: Request) => {
        ;(await getSession(request)).destroy()
        return new Response('bye')
      },
      { codec, ...cookie() },
    )
    time += 10_000
    const response = await logout(
      new Request('http://localhost/', { headers: { cookie: `session=${token}` } }),
    )
    assert.match(response.headers.get('set-cookie') ?? '', /^session=; Max-Age=0/)
    const loggedOutAt = time
    const validAfter: SessionOptions['validAfter'] = (data) =>
      data.user === 'ada' ? loggedOutAt : undefined
    const replay = await probe(codec, token)
    if (kit.seal === undefined) {
      // Server-side: the record is gone, the id is dead.
      assert.deepEqual(replay.data, {}, kit.name)
      assert.deepEqual(replay.reasons, ['unknown'], kit.name)
      continue
    }
    // Stateless: the token itself stays valid until it expires; validAfter closes it.
    assert.equal(replay.data.user, 'ada', `${kit.name}: the documented limitation`)
    if (codec.reportsStart !== true) {
      // starletteCodec cannot tell when a session began: validAfter is refused, not guessed.
      await assert.rejects(
        probe(codec, token, { validAfter }),
        (error: unknown) => error instanceof SessionError && error.code === 'ERR_SESSION_CONFIG',
        kit.name,
      )
      continue
    }
    const closed = await probe(codec, token, { validAfter })
    assert.deepEqual(closed.data, {}, kit.name)
    assert.deepEqual(closed.reasons, ['revoked'], kit.name)
    time += 5_000
    const fresh = await codec.encode({ user: 'ada' })
    const again = await probe(codec, fresh, { validAfter })
    assert.equal(again.data.user, 'ada', `${kit.name}: a login after the cut-off`)
  }
})

async function hsWithKid(kid: string | undefined, secret: string): Promise<string> {
  const header = kid === undefined ? { alg: 'HS256' } : { alg: 'HS256', kid }
  const input = `${toBase64url(utf8(JSON.stringify(header)))}.${toBase64url(utf8('{"user":"x"}'))}`
  const key = await crypto.subtle.importKey(
    'raw',
    utf8(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  return `${input}.${toBase64url(new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8(input))))}`
}

test('with secrets [k1, k2], a token made with k3 is refused by every codec that rotates', async () => {
  for (const kit of KITS) {
    const store = memoryStore({ now: () => T0 })
    const both = kit.codec({ secrets: [K1, K2], store })
    let accepted: string[]
    let refused: string[]
    if (kit.name.startsWith('jwt')) {
      // The kit names the keys of a set k0, k1: a token picks its key by kid.
      accepted = [await hsWithKid('k0', K1), await hsWithKid('k1', K2)]
      refused = await Promise.all(
        [['k0'], ['k1'], [undefined], ['k2']].map(([kid]) => hsWithKid(kid, K3)),
      )
    } else {
      const by = (secret: string) => kit.codec({ secrets: [secret], store }).encode({ user: 'x' })
      accepted = [await by(K1), await by(K2)]
      refused = [await by(K3)]
    }
    for (const token of accepted) {
      assert.deepEqual((await probe(both, token)).reasons, [], `${kit.name}: a configured secret`)
    }
    for (const token of refused) {
      const outcome = await probe(both, token)
      assert.deepEqual(outcome.data, {}, kit.name)
      assert.deepEqual(outcome.reasons, ['signature'], `${kit.name}: k3`)
    }
  }
})

test('10,000 chunk cookies are read in bounded time and give an empty session', async () => {
  const codec = signedCodec({ secrets: K1, now: () => T0 })
  const { handler, reasons } = (() => {
    const reasons: string[] = []
    const handler = withSession(
      async (request: Request) =>
        new Response(JSON.stringify((await getSession(request)).toJSON())),
      { codec, ...cookie({ maxChunks: 10 }) },
      { onInvalid: (error) => void reasons.push(error.reason) },
    )
    return { handler, reasons }
  })()
  const floods = [
    Array.from({ length: 10_000 }, (_, i) => `session.${i}=abcdefgh`).join('; '),
    Array.from({ length: 10_000 }, () => 'session.0=abcdefgh').join('; '),
    Array.from({ length: 10_000 }, (_, i) => `session.${i % 10}=${'x'.repeat(i % 50)}`).join(', '),
  ]
  for (const flood of floods) {
    const started = Date.now()
    const response = await handler(new Request('http://localhost/', { headers: { cookie: flood } }))
    assert.equal(await response.text(), '{}')
    assert.ok(Date.now() - started < 1000, `read in ${Date.now() - started} ms`)
  }
  assert.ok(reasons.every((reason) => reason === 'malformed'))
})

/** Every string that must never appear in an error message or a response body. */
function forbidden(tokens: Iterable<string>): string[] {
  const out = new Set<string>(SECRETS)
  for (const token of tokens) {
    if (token.length >= 16) out.add(token)
    for (const segment of token.split('.')) if (segment.length >= 16) out.add(segment)
  }
  return [...out]
}

function messages(error: unknown, depth = 0): string[] {
  if (!(error instanceof Error) || depth > 5) return []
  return [error.message, String(error), ...messages(error.cause, depth + 1)]
}

test('no error message or response carries a token, a secret or a stack trace', async () => {
  const errors: unknown[] = [...seen.errors]
  const tokens = new Set(seen.tokens)
  const catching = async (run: () => unknown) => {
    try {
      await run()
    } catch (error) {
      errors.push(error)
    }
  }
  // Bad tokens of every codec, decoded directly.
  for (const kit of KITS) {
    const codec = kit.codec()
    const good = await codec.encode({ user: 'ada' })
    const foreign = await kit.codec({ secrets: [K3] }).encode({ user: 'eve' })
    for (const token of [`${good}x`, foreign, good.slice(0, -3), `${good}.${good}`]) {
      tokens.add(token)
      await catching(() => codec.decode(token))
    }
  }
  // Config errors whose input is a secret.
  const short = 'short-secret-value'
  for (const build of [
    () => signedCodec({ secrets: [K1, short] }),
    () => encryptedCodec({ secrets: short }),
    () => storeCodec({ store: memoryStore(), secrets: [short] }),
    () => starletteCodec({ secretKey: [K1, ''] }),
    () => jwtCodec({ key: K1, algorithms: ['RS256'] }),
    () => jwtCodec({ keys: { current: K1 }, algorithms: ['ES256'] }),
    () => jwtCodec({ key: K1, algorithms: ['HS256'], clockTolerance: K2 as never }),
  ]) {
    await catching(build)
  }
  // Tokens a transport cannot carry, and one too large for a cookie.
  const huge = `${toBase64url(crypto.getRandomValues(new Uint8Array(4000)))}.${K1}`
  tokens.add(huge)
  for (const token of [`${K1};x`, `${K2}\r\n`, huge]) {
    await catching(() => cookieStorage().persist(new Headers(), token, {}))
    await catching(() => headerStorage().persist(new Headers(), token, {}))
  }
  // A store that fails, with the session id in its hands.
  const failing: SessionStore = {
    get: async () => {
      throw new Error('connection reset')
    },
    set: async () => {},
    patch: async () => false,
    delete: async () => {},
  }
  const stored = KITS.find((kit) => kit.seal === undefined)!
  const id = await (stored as Kit).resign([toBase64url(crypto.getRandomValues(new Uint8Array(16)))])
  tokens.add(id)
  await catching(() =>
    probe(storeCodec({ store: failing, secrets: K1 }), id, { onStoreError: () => undefined }),
  )

  assert.ok(errors.length >= 30, `collected ${errors.length} errors`)
  for (const error of errors) assert.ok(error instanceof SessionError, String(error))
  const texts = [...errors.flatMap((error) => messages(error)), ...seen.bodies]
  const banned = forbidden(tokens)
  for (const text of texts) {
    for (const secret of banned) assert.ok(!text.includes(secret), `leaks ${secret.slice(0, 8)}…`)
    assert.doesNotMatch(text, /\n\s+at /, 'a stack trace')
  }
})

test('a secret passed as an algorithm is not echoed, not even in part', () => {
  try {
    jwtCodec({ key: K1, algorithms: [K2 as never] })
    assert.fail('accepted')
  } catch (error) {
    assert.ok(error instanceof SessionError)
    for (let i = 0; i + 12 <= K2.length; i++) {
      assert.ok(!error.message.includes(K2.slice(i, i + 12)), error.message)
    }
  }
})
