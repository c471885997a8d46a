/**
 * The built-in stores are written the way a user writes a store: store logic comes from the
 * public toolkit (fetch-session/store, `src/store.ts`), never from a private module.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
const server = `${root}src/server/`
const read = (path: string) => readFileSync(path, 'utf8')

/** Every `import … from '…'` of a source: the statement and its specifier. */
const imports = (source: string) =>
  [...source.matchAll(/^import [^;]*?from '([^']+)'/gms)].map(([statement, specifier]) => ({
    statement,
    specifier: specifier!,
  }))

/** What a store may import, and why a user's store could do the same. */
const ALLOWED = new Set([
  // The toolkit, through the entry users import.
  '../store.ts',
  // SessionError, as exported from fetch-session.
  '../errors.ts',
  // Construction-time option checks: a user throws SessionError('ERR_SESSION_CONFIG') alike.
  '../lib/options.ts',
  // TextEncoder under a name.
  '../lib/base64url.ts',
])

test('every built-in store imports store logic from the public toolkit only', () => {
  const names = readdirSync(server).filter((name) => name.endsWith('.ts'))
  // The toolkit's modules (reached through src/store.ts only) and storeCodec's own.
  const toolkit = imports(read(`${root}src/store.ts`))
    .map(({ specifier }) => specifier.replace(/^\.\/server\//, './'))
    .filter((specifier) => specifier !== './types.ts')
  const codec = [
    './store-codec.ts',
    ...imports(read(`${server}store-codec.ts`)).map(({ specifier }) => specifier),
  ].filter((specifier) => specifier !== './types.ts')
  const stores = names.filter((name) =>
    /\): SessionStore \{|export class SessionObject\b/.test(read(server + name)),
  )
  assert.ok(stores.length >= 6, stores.join())
  const offenders: string[] = []
  const checked = new Set<string>()
  const check = (name: string): void => {
    if (checked.has(name)) return
    checked.add(name)
    for (const { statement, specifier } of imports(read(server + name))) {
      if (ALLOWED.has(specifier)) continue
      // The interfaces and SessionData, types only.
      if (['./types.ts', '../backends.ts'].includes(specifier)) {
        if (!statement.startsWith('import type ')) offenders.push(`${name}: ${specifier}`)
        continue
      }
      // A store's own module beside it (redisStore's client shapes), checked alike.
      const own = /^\.\/[a-z-]+\.ts$/.test(specifier) && ![...toolkit, ...codec].includes(specifier)
      if (own) check(specifier.slice(2))
      else offenders.push(`${name}: ${specifier}`)
    }
  }
  for (const name of stores) check(name)
  assert.ok(checked.has('redis-commands.ts'), [...checked].join())
  assert.deepEqual(
    offenders,
    [],
    'export what the store needs from src/store.ts and import it there',
  )
})
