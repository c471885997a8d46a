/**
 * fetch-session/testing on the test runner each example is written for: node:test, Vitest,
 * bun test and deno test. The README's examples must report both of their tests passed; the
 * store conformance suite must pass on the Map store of docs/stores.md, case for case, and fail
 * on node:test for a store that loses concurrent writes.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { storeConformance } from '../../src/testing.ts'
import { bin } from '../fixtures/frameworks.ts'
import { skipUnless } from '../fixtures/requirements.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))

/** How many cases the store conformance suite registers. */
const CASES: number = (() => {
  let count = 0
  storeConformance(() => ({ store: undefined as never }), { test: () => count++ })
  return count
})()

interface Runner {
  name: string
  command: string
  /** The arguments that run one test file. */
  args: (file: string) => string[]
  /** The output of a run in which `n` tests passed and none failed. */
  passed: (n: number) => RegExp
}

const runners: Runner[] = [
  {
    name: 'node:test',
    command: process.execPath,
    args: (file) => ['--import', 'tsx', '--test', file],
    passed: (n) => new RegExp(`^# pass ${n}$[\\s\\S]*^# fail 0$`, 'm'),
  },
  {
    name: 'vitest',
    command: bin('vitest'),
    args: (file) => ['run', file],
    passed: (n) => new RegExp(`Tests\\s+${n} passed \\(${n}\\)`),
  },
  {
    name: 'bun',
    command: bin('bun'),
    args: (file) => ['test', `./${file}`],
    passed: (n) => new RegExp(`^\\s*${n} pass$[\\s\\S]*^\\s*0 fail$`, 'm'),
  },
  {
    name: 'deno',
    command: bin('deno'),
    args: (file) => ['test', file],
    passed: (n) => new RegExp(`ok \\| ${n} passed \\| 0 failed`),
  },
]

/** Runs `args` from the repository root; the exit status and the output without colours. */
function run(command: string, args: string[]): { status: number | null; output: string } {
  // A child node --test that inherits NODE_TEST_CONTEXT reports to this process, not to stdout.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env
  const result = spawnSync(command, args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
    timeout: 120_000,
  })
  const output = `${result.stdout}\n${result.stderr}`.replace(/\x1b\[[0-9;]*m/g, '')
  return { status: result.status, output }
}

const short = (name: string) => name.replace(/\W.*$/, '')

for (const runner of runners) {
  const skip = skipUnless(existsSync(runner.command), runner.name, 'npm install')
  test(`examples/testing on ${runner.name}: both tests pass`, { skip }, () => {
    const { status, output } = run(
      runner.command,
      runner.args(`examples/testing/${short(runner.name)}.test.ts`),
    )
    assert.equal(status, 0, output.slice(-4000))
    assert.match(output, runner.passed(2), output.slice(-4000))
  })

  test(`storeConformance on ${runner.name}: the Map store passes all ${CASES} cases`, {
    skip,
  }, () => {
    const { status, output } = run(
      runner.command,
      runner.args(`examples/testing/store-${short(runner.name)}.test.ts`),
    )
    assert.equal(status, 0, output.slice(-4000))
    assert.match(output, runner.passed(CASES), output.slice(-4000))
  })
}

test('storeConformance on node:test: a store that loses concurrent writes fails that case', () => {
  const { status, output } = run(process.execPath, [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=tap',
    'tests/fixtures/lossy-store-node.ts',
  ])
  assert.equal(status, 1, output.slice(-4000))
  assert.match(output, new RegExp(`^# pass ${CASES - 1}$[\\s\\S]*^# fail 1$`, 'm'))
  assert.match(output, /^not ok \d+ - concurrent requests changing different keys/m)
  assert.match(output, /every concurrent change landed/)
})

test('the Map store in docs/stores.md is examples/testing/map-store.ts, as users import it', () => {
  const doc = readFileSync(`${root}docs/stores.md`, 'utf8')
  const file = readFileSync(`${root}examples/testing/map-store.ts`, 'utf8')
  const opening = /```ts[^\n]*\n(?=\/\/ map-store\.ts)/.exec(doc)
  assert.ok(opening !== null, 'docs/stores.md shows map-store.ts in a ts block')
  const start = opening.index + opening[0].length
  const block = doc.slice(start, doc.indexOf('```\n', start))
  assert.equal(block, file.replaceAll("'../../src/store.ts'", "'fetch-session/store'"))
})
