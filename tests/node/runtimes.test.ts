/**
 * The conformance suite on Bun, Deno and workerd, and the suite with the Node tests that exercise
 * the runtime (servers, stores, interop, crypto vectors) on Node 22 and 24: every case that Node 20
 * runs must pass there too. Each runner prints one line, `<runtime>: N passed, M failed`.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { cases, readSummary } from '../harness.ts'
import '../suite/index.ts'
import { bin } from '../fixtures/frameworks.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))
const nodeLine = (major: number) =>
  `${root}tests/node-versions/node_modules/node${major}-${process.platform}-${process.arch}/bin/node`

/** The Node tests that exercise the runtime itself, run again on every other Node line. */
const NODE_RUNTIME_TESTS = [
  'conformance',
  'conformance-portable',
  'servers',
  'redis',
  'store-concurrency',
  'cloudflare-kv',
  'starlette-interop',
  'starlette-http',
  'pyjwt-interop',
  'hmac-vectors',
  'vectors',
].map((name) => `tests/node/${name}.test.ts`)

interface Runtime {
  name: string
  /** The binary whose absence skips the runner (fails it under CI=true), and how to get it. */
  needs: string
  install: string
  command: string
  args: string[]
  /** How many cases the runner must report passed: the suite alone, or at least the suite. */
  exactly: boolean
}

const nodeRuntime = (major: number): Runtime => ({
  name: `node${major}`,
  needs: nodeLine(major),
  install: `npm run install:node-versions (linux-x64 and linux-arm64 only)`,
  command: nodeLine(major),
  args: [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=./tests/runners/node-summary.ts',
    '--test-reporter-destination=stdout',
    '--test-reporter=spec',
    '--test-reporter-destination=stderr',
    ...NODE_RUNTIME_TESTS,
  ],
  exactly: false,
})

const runtimes: Runtime[] = [
  {
    name: 'bun',
    needs: bin('bun'),
    install: 'npm install (the bun devDependency)',
    command: bin('bun'),
    args: ['test', './tests/runners/bun.test.ts'],
    exactly: true,
  },
  {
    name: 'deno',
    needs: bin('deno'),
    install: 'npm install (the deno devDependency)',
    command: bin('deno'),
    args: ['test', '--no-check', 'tests/runners/deno.test.ts'],
    exactly: true,
  },
  {
    name: 'bun-portable',
    needs: bin('bun'),
    install: 'npm install (the bun devDependency)',
    command: bin('bun'),
    args: ['test', './tests/runners/bun-portable.test.ts'],
    exactly: true,
  },
  {
    name: 'deno-portable',
    needs: bin('deno'),
    install: 'npm install (the deno devDependency)',
    command: bin('deno'),
    args: ['test', '--no-check', 'tests/runners/deno-portable.test.ts'],
    exactly: true,
  },
  {
    name: 'workerd',
    needs: bin('workerd'),
    install: 'npm install (the workerd dependency of miniflare)',
    command: process.execPath,
    args: ['--import', 'tsx', 'tests/runners/workerd.ts'],
    exactly: true,
  },
  nodeRuntime(22),
  nodeRuntime(24),
]

function run(command: string, args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // Without this, a `node --test` child takes itself for a file of this run and runs nothing.
    const { NODE_TEST_CONTEXT: _, ...env } = process.env
    const child = spawn(command, args, {
      cwd: root,
      env: {
        ...env,
        NO_COLOR: '1',
        DENO_NO_UPDATE_CHECK: '1',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      },
      timeout: 300_000,
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk
    })
    child.once('error', reject)
    child.once('close', (status) => resolve({ status, output }))
  })
}

// The runners are separate processes: run them side by side rather than one after another.
test('the conformance suite on every runtime', { concurrency: 2 }, async (t) => {
  const runners = runtimes.map((runtime) =>
    t.test(`the conformance suite passes on ${runtime.name}`, async (t) => {
      if (!existsSync(runtime.needs)) {
        // CI must run every runtime; a developer without one still gets the rest.
        assert.notEqual(process.env.CI, 'true', `${runtime.needs} is missing (${runtime.install})`)
        t.skip(`${runtime.name} is not installed: ${runtime.install}`)
        return
      }
      const { status, output } = await run(runtime.command, runtime.args)
      // Failures only: passing lines would push the error text out of the message.
      const failures = output
        .split('\n')
        .filter((line) => !/^\(pass\)|^ok |\.\.\. ok|^\s*✔/.test(line))
        .join('\n')
        .slice(-8000)
      const counts = readSummary(output, runtime.name)
      assert.ok(counts, `no summary line from ${runtime.name}:\n${failures}`)
      t.diagnostic(
        `${runtime.name}: ${counts.passed} passed, ${counts.failed} failed (the suite has ${cases.length})`,
      )
      assert.equal(counts.failed, 0, `${runtime.name} failures:\n${failures}`)
      if (runtime.exactly) assert.equal(counts.passed, cases.length, 'another number of cases')
      else assert.ok(counts.passed > cases.length, 'fewer tests than the suite alone')
      assert.equal(status, 0, `${runtime.name} exited with ${status}:\n${failures}`)
    }),
  )
  await Promise.all(runners)
})

test('the summary parser reads the last line of the named runtime, colours and all', () => {
  const output =
    'bun: 3 passed, 0 failed\n\x1b[32mdeno: 2 passed, 1 failed\x1b[0m\nnode22: 5 passed'
  assert.deepEqual(readSummary(output, 'deno'), { passed: 2, failed: 1 })
  assert.deepEqual(readSummary(output, 'bun'), { passed: 3, failed: 0 })
  assert.equal(readSummary(output, 'node22'), undefined, 'a line without its failed count')
  assert.equal(readSummary(output, 'node24'), undefined)
})
