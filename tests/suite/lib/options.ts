/**
 * Mistakes a user makes in an options object fail at construction with a message that names the
 * option as written and the fix: unknown keys (with the near miss), lifetimes in milliseconds, an
 * async backends builder, backends that are missing.
 */
import assert from 'node:assert/strict'
import * as entry from '../../../src/index.ts'
import {
  adaptBackends,
  bearerAuthorization,
  cookie,
  cookieAuthorization,
  cookieStorage,
  encryptedCodec,
  getSession,
  headerAuthorization,
  headerStorage,
  jwtCodec,
  kvStore,
  memoryStore,
  redisStore,
  SessionError,
  signedCodec,
  starletteCodec,
  storeCodec,
  withSession,
} from '../../../src/index.ts'
import * as testing from '../../../src/testing.ts'
import { SECRET } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('options')

/** Asserts `build` throws `ERR_SESSION_CONFIG` whose message matches every pattern. */
function refuses(build: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(build, (error: unknown) => {
    assert.ok(error instanceof SessionError, String(error))
    assert.equal(error.code, 'ERR_SESSION_CONFIG')
    for (const pattern of patterns) assert.match(error.message, pattern)
    return true
  })
}

const handler = () => new Response('ok')
const kv = { get: async () => null, put: async () => {}, delete: async () => {} }
const unstorage = {
  getItemRaw: async () => null,
  setItemRaw: async () => {},
  removeItem: async () => {},
}

test('a near-miss key names the option it probably meant', () => {
  refuses(
    () => cookie({ samesite: 'strict' } as never),
    /^cookie: unknown option samesite; did you mean sameSite\?$/,
  )
  refuses(
    () => signedCodec({ secrets: SECRET, maxage: 10 } as never),
    /^signedCodec: .*maxage; did you mean maxAge\?/,
  )
  refuses(() => bearerAuthorization({ stricct: true } as never), /stricct; did you mean strict\?/)
  refuses(
    () => encryptedCodec({ secrets: SECRET, idleTimout: 60 } as never),
    /did you mean idleTimeout\?/,
  )
  refuses(
    () => storeCodec({ store: memoryStore(), secret: SECRET } as never),
    /did you mean secrets\?/,
  )
  refuses(() => starletteCodec({ secret_key: 'x' } as never), /did you mean secretKey\?/)
  refuses(
    () => jwtCodec({ key: SECRET, algorithms: ['HS256'], issuer: 'a', audiance: 'b' } as never),
    /did you mean audience\?/,
  )
})

test('an unknown key with no near miss lists the known ones', () => {
  refuses(() => headerStorage({ name: 'x' } as never), /unknown option name \(known: header\)/)
  refuses(() => headerAuthorization({ cookie: 'x' } as never), /known: header/)
  refuses(() => cookieStorage({ expires: 10 } as never), /^cookieStorage: unknown option expires/)
  refuses(() => cookieAuthorization({ path: '/' } as never), /known: name, maxChunks/)
  refuses(() => memoryStore({ size: 10 } as never), /^memoryStore: /)
  refuses(() => redisStore({ sendCommand: async () => null }, { prefx: 's:' } as never), /prefix/)
  refuses(() => kvStore(kv, { ttl: 60 } as never), /^kvStore: unknown option ttl/)
})

test('every option of every factory is still accepted', () => {
  cookie({
    name: 'a',
    path: '/',
    domain: 'example.com',
    maxAge: 60,
    sameSite: 'strict',
    secure: true,
    httpOnly: true,
    partitioned: false,
    maxChunks: 2,
  })
  signedCodec({ secrets: SECRET, maxAge: 60, idleTimeout: 30, clockTolerance: 1, now: Date.now })
  bearerAuthorization({ scheme: 'Bearer', strict: true })
  storeCodec({ store: memoryStore({ maxEntries: 5, now: Date.now }), secrets: SECRET, maxAge: 60 })
})

test('a lifetime written in milliseconds is refused in seconds, with the value meant', () => {
  refuses(
    () => signedCodec({ secrets: SECRET, idleTimeout: 3_600_000 }),
    /^signedCodec: idleTimeout is 3600000 seconds \(42 days\).*seconds; did you mean 3600\?/,
  )
  refuses(() => storeCodec({ store: memoryStore(), maxAge: 1_800_000 }), /did you mean 1800\?/)
  refuses(
    () => cookie({ maxAge: 86_400_000 }),
    /whole number of seconds.*did you mean 86400 seconds\?/,
  )
  refuses(
    () => encryptedCodec({ secrets: SECRET, maxAge: 500 * 86400 }),
    /seconds from 1 to 34560000/,
  )
  // Long lifetimes in seconds stay accepted: not whole minutes in ms, or whole days in seconds.
  signedCodec({ secrets: SECRET, maxAge: 30 * 86400 })
  cookie({ maxAge: 400 * 86400 })
  storeCodec({ store: memoryStore(), idleTimeout: 100 * 86400 })
})

test('an async backends builder is refused at construction, naming the fix', () => {
  refuses(
    () =>
      withSession(handler, (async () => ({
        codec: signedCodec({ secrets: SECRET }),
        ...cookie(),
      })) as never),
    /^withSession: the backends function must return .* not a Promise: await what it needs/,
  )
})

test('adaptBackends: a set as it is, a builder per request on what the adapter picks, async refused', async () => {
  const backends = { codec: signedCodec({ secrets: SECRET }), ...cookie() }
  assert.equal(
    adaptBackends(backends, () => []),
    backends,
  )
  const seen: string[] = []
  const wrapped = withSession(
    async (request: Request, _event: { user: string }) => {
      await getSession(request)
      return handler()
    },
    adaptBackends(
      (event: { user: string }) => {
        seen.push(event.user)
        return backends
      },
      (_request, event: { user: string }) => [event],
    ),
  )
  await wrapped(new Request('http://localhost/'), { user: 'ada' })
  await wrapped(new Request('http://localhost/'), { user: 'bob' })
  assert.deepEqual(seen, ['ada', 'bob'])
  refuses(
    () => adaptBackends((async () => backends) as never, () => []),
    /^withSession: the backends function must return .* not a Promise: await what it needs/,
  )
})

test('a builder that returns a Promise fails the request with the same message', async () => {
  const wrapped = withSession(
    async (request: Request) => {
      await getSession(request)
      return handler()
    },
    () => Promise.resolve({ codec: signedCodec({ secrets: SECRET }), ...cookie() }) as never,
  )
  await assert.rejects(wrapped(new Request('http://localhost/')), /not a Promise/)
})

test('backends that are missing or misplaced name what is missing', () => {
  refuses(
    () => withSession(handler, { ...cookie() } as never),
    /^withSession: backends need a codec backend/,
  )
  refuses(
    () =>
      withSession(handler, {
        codec: signedCodec({ secrets: SECRET }),
        storage: cookieStorage(),
      } as never),
    /need an authorization backend/,
  )
  refuses(
    () =>
      withSession(handler, {
        codec: signedCodec({ secrets: SECRET }),
        ...cookie(),
        onInvalid: () => undefined,
      } as never),
    /^withSession backends: onInvalid is an option of withSession, not a backend: pass it as the third argument, withSession\(handler, backends, \{ onInvalid \}\)$/,
  )
  refuses(
    () =>
      withSession(handler, { codec: signedCodec({ secrets: SECRET }), ...cookie() }, {
        onInvalide: () => {},
      } as never),
    /^withSession: unknown option onInvalide; did you mean onInvalid\?/,
  )
})

test('a missing secret names the unset environment variable it most likely came from', () => {
  const hint =
    /is the environment variable that holds it \(SESSION_SECRET\?\) set\? Make one with `openssl rand -base64 32`$/
  refuses(
    () => signedCodec({ secrets: undefined as never }),
    /^signedCodec: secrets must be a string or a non-empty list, got undefined: /,
    hint,
  )
  refuses(
    () => encryptedCodec({ secrets: [undefined as never] }),
    /^encryptedCodec: secrets\[0\] must be a string of at least 32 bytes, got undefined: /,
    hint,
  )
  refuses(
    () => starletteCodec({ secretKey: '' }),
    /^starletteCodec: secretKey\[0\] must be a string of at least 1 bytes, got an empty string: /,
    hint,
  )
  assert.throws(
    () => signedCodec({ secrets: 'too short' }),
    (error: Error) =>
      !error.message.includes('environment') && !error.message.includes('too short'),
  )
})

/**
 * Every factory of the package, called with what it needs and an unknown option. A new export
 * fails the test below until it is listed here or among the exports that take no options.
 */
const FACTORIES: Record<string, (extra: Record<string, unknown>) => unknown> = {
  defineCodec: (extra) =>
    entry.defineCodec(
      {
        name: 'plainCodec',
        open: async (token) => ({ payload: token }),
        read: () => ({ data: {} }),
        seal: async () => ({ token: 'x' }),
      },
      extra,
    ),
  djangoCodec: (extra) => entry.djangoCodec({ secretKey: 'a django secret', ...extra }),
  encryptedCodec: (extra) => entry.encryptedCodec({ secrets: SECRET, ...extra }),
  flaskCodec: (extra) => entry.flaskCodec({ secretKey: 'a flask secret', ...extra }),
  jwtCodec: (extra) => entry.jwtCodec({ key: SECRET, algorithms: ['HS256'], ...extra }),
  signedCodec: (extra) => entry.signedCodec({ secrets: SECRET, ...extra }),
  starletteCodec: (extra) => entry.starletteCodec({ secretKey: 'a starlette secret', ...extra }),
  withSession: (extra) =>
    entry.withSession(handler, { codec: signedCodec({ secrets: SECRET }), ...cookie() }, extra),
  kvStore: (extra) => entry.kvStore(kv, extra),
  unstorageStore: (extra) => entry.unstorageStore(unstorage, extra),
  denoKvStore: (extra) =>
    entry.denoKvStore(
      { get: async () => ({ value: null, versionstamp: null }), atomic: () => ({}) } as never,
      extra,
    ),
  durableObjectStore: (extra) =>
    entry.durableObjectStore({ idFromName: () => ({}), get: () => ({}) } as never, extra),
  expressSessionCodec: (extra) =>
    entry.expressSessionCodec({
      secret: 'keyboard cat',
      client: { sendCommand: async () => null },
      ...extra,
    }),
  memoryStore: (extra) => entry.memoryStore(extra),
  redisStore: (extra) => entry.redisStore({ sendCommand: async () => null }, extra),
  storeCodec: (extra) => entry.storeCodec({ store: memoryStore(), ...extra }),
  bearerAuthorization: (extra) => entry.bearerAuthorization(extra),
  cookie: (extra) => entry.cookie(extra),
  cookieAuthorization: (extra) => entry.cookieAuthorization(extra),
  cookieStorage: (extra) => entry.cookieStorage(extra),
  headerAuthorization: (extra) => entry.headerAuthorization(extra),
  headerStorage: (extra) => entry.headerStorage(extra),
  storeConformance: (extra) =>
    testing.storeConformance(() => memoryStore(), { test: () => {}, ...extra }),
}

/** Exports that are functions yet take no options object: classes, and request-time calls. */
const NOT_FACTORIES = new Set([
  'Session',
  'SessionError',
  'DecodeError',
  'SessionObject',
  'getSession',
  'adaptBackends',
  'fixedClock',
  'sessionOf',
  'sessionRequest',
])

/** defineCodec's messages name the codec it defines, as that codec's users call it. */
const OWNERS: Record<string, string> = { defineCodec: 'plainCodec' }

test('every factory refuses an unknown option, naming itself first', () => {
  const exported = Object.entries({ ...entry, ...testing })
    .filter(([, value]) => typeof value === 'function')
    .map(([name]) => name)
  const unlisted = exported.filter((name) => !NOT_FACTORIES.has(name) && !(name in FACTORIES))
  assert.deepEqual(unlisted, [], 'a factory the table below does not list')
  for (const [name, build] of Object.entries(FACTORIES)) {
    assert.ok(exported.includes(name), `${name} is exported`)
    build({}) // what it needs is enough
    refuses(
      () => build({ zzzUnknown: 1 }),
      new RegExp(`^${OWNERS[name] ?? name}: unknown option zzzUnknown`),
    )
  }
})

test('a factory whose options are all optional can be called with none', () => {
  entry.memoryStore()
  entry.redisStore({ sendCommand: async () => null })
  entry.kvStore(kv)
  entry.unstorageStore(unstorage)
  entry.bearerAuthorization()
  entry.cookie()
  entry.cookieStorage()
  entry.cookieAuthorization()
  entry.headerStorage()
  entry.headerAuthorization()
})
