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

/** The server room's files that are not a store: storeCodec's own, the interfaces, the toolkit. */
const NOT_STORES = new Set([
  'store-codec.ts',
  'session-index.ts',
  'store-call.ts',
  'store-values.ts',
  'types.ts',
  'store-deadline.ts',
  'store-index-entry.ts',
  'store-record.ts',
])

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
  const stores = readdirSync(server).filter((name) => name.endsWith('.ts') && !NOT_STORES.has(name))
  assert.ok(stores.length >= 7, stores.join())
  const offenders: string[] = []
  for (const name of stores) {
    const source = readFileSync(server + name, 'utf8')
    for (const [statement, specifier] of source.matchAll(/^import [^;]*?from '([^']+)'/gms)) {
      const ok =
        ALLOWED.has(specifier!) ||
        // The interfaces and SessionData, types only.
        (['./types.ts', '../backends.ts'].includes(specifier!) &&
          statement.startsWith('import type ')) ||
        // A store's own modules beside it (redisStore's client shapes).
        stores.includes(specifier!.replace(/^\.\//, ''))
      if (!ok) offenders.push(`${name}: ${specifier}`)
    }
  }
  assert.deepEqual(
    offenders,
    [],
    'export what the store needs from src/store.ts and import it there',
  )
})
