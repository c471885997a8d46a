/**
 * The README's fetch-session/testing examples run on the test runner each one is written for:
 * node:test, Vitest, bun test and deno test; each must report both of its tests passed.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { bin } from '../fixtures/frameworks.ts'
import { skipUnless } from '../fixtures/requirements.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))

const runners: { name: string; command: string; args: string[]; passed: RegExp }[] = [
  {
    name: 'node:test',
    command: process.execPath,
    args: ['--import', 'tsx', '--test', 'examples/testing/node.test.ts'],
    passed: /^# pass 2$[\s\S]*^# fail 0$/m,
  },
  {
    name: 'vitest',
    command: bin('vitest'),
    args: ['run', 'examples/testing/vitest.test.ts'],
    passed: /Tests\s+2 passed \(2\)/,
  },
  {
    name: 'bun',
    command: bin('bun'),
    args: ['test', './examples/testing/bun.test.ts'],
    passed: /^\s*2 pass$[\s\S]*^\s*0 fail$/m,
  },
  {
    name: 'deno',
    command: bin('deno'),
    args: ['test', 'examples/testing/deno.test.ts'],
    passed: /ok \| 2 passed \| 0 failed/,
  },
]

for (const runner of runners) {
  const skip = skipUnless(existsSync(runner.command), runner.name, 'npm install')
  test(`examples/testing on ${runner.name}: both tests pass`, { skip }, () => {
    // A child node --test that inherits NODE_TEST_CONTEXT reports to this process, not to stdout.
    const { NODE_TEST_CONTEXT: _, ...env } = process.env
    const result = spawnSync(runner.command, runner.args, {
      cwd: root,
      encoding: 'utf8',
      env: { ...env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
      timeout: 120_000,
    })
    const output = `${result.stdout}\n${result.stderr}`.replace(/\x1b\[[0-9;]*m/g, '')
    assert.equal(result.status, 0, output.slice(-4000))
    assert.match(output, runner.passed, output.slice(-4000))
  })
}
