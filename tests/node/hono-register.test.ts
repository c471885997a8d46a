/**
 * fetch-session/hono in the plain pattern (`app.use(session(backends))` without chaining): a program
 * that declares its session data in Hono's `ContextVariableMap` gets `c.var.session()` and
 * `getSession(c)` typed by it, and a wrong value type is still a compile error. A program of its
 * own, because the declaration is global to a program.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))

test('the plain Hono pattern is typed by the declared data, and a wrong value type fails', () => {
  const result = spawnSync(
    process.execPath,
    [`${root}node_modules/typescript/bin/tsc`, '-p', 'tests/fixtures/hono-register/tsconfig.json'],
    { cwd: root, encoding: 'utf8', timeout: 180_000 },
  )
  assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`)
})
