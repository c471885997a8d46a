import assert from 'node:assert/strict'
import type { Session } from '../../src/index.ts'
import { getSession, withSession } from '../../src/index.ts'
import { nextCookie, request, signedBackends } from '../fixtures/suite.ts'
import { suite } from '../harness.ts'

const test = suite('Session')

interface Data {
  user?: string
  notice?: string
  prefs?: { theme: string }
  [key: string]: unknown
}

/** A handler that runs `step` on the session of each request, carrying the cookie along. */
function steps() {
  let jar = ''
  let run: (session: Session<Data>) => unknown = () => undefined
  const handler = withSession(async (req: Request) => {
    const result = run(await getSession<Data>(req))
    return Response.json(result === undefined ? null : result)
  }, signedBackends())
  return async (step: (session: Session<Data>) => unknown): Promise<unknown> => {
    run = step
    const response = await handler(request(jar))
    jar = nextCookie(response, jar)
    return response.json()
  }
}

test('get, set, has, delete and toJSON work on the data', async () => {
  const step = steps()
  await step((s) => {
    s.set('user', 'ada')
    s.set('prefs', { theme: 'dark' })
  })
  const seen = await step((s) => {
    const before = [s.has('user'), s.get('user'), s.get('prefs')?.theme]
    s.delete('user')
    return [...before, s.has('user'), s.toJSON()]
  })
  assert.deepEqual(seen, [true, 'ada', 'dark', false, { prefs: { theme: 'dark' } }])
  assert.deepEqual(await step((s) => s.toJSON()), { prefs: { theme: 'dark' } })
})

test('isNew is true without a token and false with a valid one', async () => {
  const step = steps()
  assert.equal(
    await step((s) => {
      s.set('user', 'ada')
      return s.isNew
    }),
    true,
  )
  assert.equal(await step((s) => s.isNew), false)
  assert.equal(await step((s) => s.id ?? 'no id'), 'no id')
})

test('a flash value is readable once, on a later request', async () => {
  const step = steps()
  const sameRequest = await step((s) => {
    s.flash('notice', 'Welcome back')
    return [s.get('notice') ?? null, s.has('notice')]
  })
  assert.deepEqual(sameRequest, [null, false])
  assert.deepEqual(await step((s) => [s.has('notice'), s.get('notice'), s.get('notice') ?? null]), [
    true,
    'Welcome back',
    null,
  ])
  assert.equal(await step((s) => s.get('notice') ?? null), null)
})

test('a flash value not read yet survives requests that do not read it', async () => {
  const step = steps()
  await step((s) => s.flash('notice', 'Saved'))
  await step((s) => s.set('user', 'ada'))
  assert.equal(await step((s) => s.get('notice')), 'Saved')
})

test('clear() removes values and flashes alike', async () => {
  const step = steps()
  await step((s) => {
    s.set('user', 'ada')
    s.flash('notice', 'hi')
  })
  await step((s) => s.clear())
  assert.deepEqual(await step((s) => [s.get('user') ?? null, s.get('notice') ?? null]), [
    null,
    null,
  ])
})

test('__proto__ and constructor are plain keys that round trip and pollute nothing', async () => {
  const step = steps()
  await step((s) => {
    s.set('__proto__', { polluted: true })
    s.set('constructor' as string, 'just a string')
  })
  const seen = (await step((s) => [
    s.get('__proto__'),
    s.get('constructor'),
    s.has('toString'),
  ])) as unknown[]
  assert.deepEqual(seen, [{ polluted: true }, 'just a string', false])
  assert.equal(({} as Record<string, unknown>).polluted, undefined)
})

test('a key inherited from Object.prototype is not in the session', async () => {
  const step = steps()
  assert.deepEqual(await step((s) => [s.has('toString'), s.get('toString') ?? null]), [false, null])
})

/** Compile-time checks: `Data` flows from getSession into get and set. Never called. */
export async function typeChecks(req: Request): Promise<void> {
  const session = await getSession<{ count: number; name?: string }>(req)
  const count: number | undefined = session.get('count')
  session.set('count', (count ?? 0) + 1)
  // @ts-expect-error a string is not a count
  session.set('count', 'one')
  // @ts-expect-error no such key
  session.get('missing')
}

interface Profile {
  user?: string
  cart: { sku: string; qty: number }[]
  flags: Record<string, boolean | null>
}

/**
 * Compile-time checks: session data is JSON. `npm run typecheck` fails if a line marked
 * `@ts-expect-error` compiles, so each of these is a mistake the compiler catches. Never called.
 */
export async function jsonTypeChecks(req: Request): Promise<void> {
  // Interfaces and nested arrays of JSON are fine.
  const profile: Session<Profile> = await getSession<Profile>(req)
  profile.set('cart', [{ sku: 'a', qty: 1 }])
  // @ts-expect-error a Date is not JSON: store date.toISOString()
  await getSession<{ when: Date }>(req)
  // @ts-expect-error a Map is not JSON: store Object.fromEntries(map)
  await getSession<{ seen: Map<string, number> }>(req)
  // @ts-expect-error a BigInt is not JSON: store String(n)
  await getSession<{ n: bigint }>(req)
  // @ts-expect-error nested too: a Set inside an array
  await getSession<{ tags: Set<string>[] }>(req)
  // @ts-expect-error a function is not JSON
  await getSession<{ callback: () => void }>(req)
}
