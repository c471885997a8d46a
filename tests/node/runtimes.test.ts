/** The conformance suite on Bun, Deno and workerd: every case that Node runs must pass there too. */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { cases } from '../harness.ts'
import '../suite/index.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))
const bin = (name: string) => `${root}node_modules/.bin/${name}`

interface Runtime {
  name: string
  binary: string
  args: string[]
  /** Reads the passed and failed counts from the runner's output. */
  counts(output: string): [passed: number, failed: number] | undefined
}

const runtimes: Runtime[] = [
  {
    name: 'bun',
    binary: bin('bun'),
    args: ['test', './tests/runners/bun.test.ts'],
    counts: (out) => match(out, /^\s*(\d+) pass$/m, /^\s*(\d+) fail$/m),
  },
  {
    name: 'deno',
    binary: bin('deno'),
    args: ['test', '--no-check', '--quiet', 'tests/runners/deno.test.ts'],
    counts: (out) => match(out, /(\d+) passed \|/, /\| (\d+) failed/),
  },
  {
    name: 'workerd',
    binary: bin('workerd'),
    args: [],
    counts: (out) => match(out, /^workerd: (\d+) passed/m, /^workerd: \d+ passed, (\d+) failed/m),
  },
]

function match(output: string, passed: RegExp, failed: RegExp): [number, number] | undefined {
  const p = passed.exec(output)?.[1]
  return p === undefined ? undefined : [Number(p), Number(failed.exec(output)?.[1] ?? 0)]
}

for (const runtime of runtimes) {
  test(`the conformance suite passes on ${runtime.name}`, (t) => {
    if (!existsSync(runtime.binary)) {
      // CI must run every runtime; a developer without one still gets the rest.
      assert.notEqual(process.env.CI, 'true', `${runtime.binary} is missing`)
      t.skip(`${runtime.name} is not installed`)
      return
    }
    const [command, args] =
      runtime.name === 'workerd'
        ? [process.execPath, ['--import', 'tsx', 'tests/runners/workerd.ts']]
        : [runtime.binary, runtime.args]
    const run = spawnSync(command, args, {
      cwd: root,
      encoding: 'utf8',
      env: {
        ...process.env,
        NO_COLOR: '1',
        DENO_NO_UPDATE_CHECK: '1',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      },
      timeout: 240_000,
    })
    const output = `${run.stdout}\n${run.stderr}`
    // Failures only: passing lines would push the error text out of the message.
    const failures = output
      .split('\n')
      .filter((line) => !/^\(pass\)|^ok |\.\.\. ok/.test(line))
      .join('\n')
      .slice(-8000)
    const counts = runtime.counts(output)
    assert.ok(counts, `no test summary from ${runtime.name}:\n${failures}`)
    t.diagnostic(
      `${runtime.name}: ${counts[0]} passed, ${counts[1]} failed (Node has ${cases.length})`,
    )
    assert.equal(counts[1], 0, `${runtime.name} failures:\n${failures}`)
    assert.equal(counts[0], cases.length, `${runtime.name} ran another number of cases than Node`)
    assert.equal(run.status, 0, `${runtime.name} exited with ${run.status}`)
  })
}
