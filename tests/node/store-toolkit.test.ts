/**
 * The built-in stores are written the way a user writes a store: store logic comes from the
 * public toolkit (fetch-session/store, `src/store.ts`), never from a private module.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
const stores = `${root}src/stores/`

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
  const files = readdirSync(stores).filter((name) => name.endsWith('.ts'))
  assert.ok(files.length >= 7, files.join())
  const offenders: string[] = []
  for (const name of files) {
    const source = readFileSync(stores + name, 'utf8')
    for (const [statement, specifier] of source.matchAll(/^import [^;]*?from '([^']+)'/gms)) {
      const ok =
        ALLOWED.has(specifier!) ||
        // The interfaces and SessionData, types only; a store's own modules beside it.
        (['./types.ts', '../backends.ts'].includes(specifier!) &&
          statement.startsWith('import type ')) ||
        (specifier !== './types.ts' && /^\.\/[a-z-]+\.ts$/.test(specifier!))
      if (!ok) offenders.push(`${name}: ${specifier}`)
    }
  }
  assert.deepEqual(
    offenders,
    [],
    'export what the store needs from src/store.ts and import it there',
  )
})
