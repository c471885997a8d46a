/** Each runtime example starts with `npm run example:<name>` on a free port (PORT=0) and answers. */
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { bin } from '../fixtures/frameworks.ts'
import { nextCookie } from '../fixtures/suite.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))
const SECRET = 'an-example-secret-for-the-test-suite-only'

/** Runs the npm script, waits for the URL it prints, hands it to `check`, and stops it. */
async function withExample(name: string, check: (base: string) => Promise<void>): Promise<void> {
  // Spawned detached so that stopping the npm process group also stops the runtime under it.
  const child = spawn('npm', ['run', '--silent', `example:${name}`], {
    cwd: root,
    detached: true,
    env: {
      ...process.env,
      PORT: '0',
      SESSION_SECRET: SECRET,
      NO_COLOR: '1',
      DENO_NO_UPDATE_CHECK: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    const base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL within 30 s:\n${output}`)), 30_000)
      const read = (chunk: Buffer) => {
        output += chunk
        const url = /http:\/\/127\.0\.0\.1:(\d+)/.exec(output)
        if (url && url[1] !== '0') {
          clearTimeout(timer)
          resolve(url[0])
        }
      }
      child.stdout!.on('data', read)
      child.stderr!.on('data', read)
      child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)))
    })
    await check(base)
  } finally {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM')
    await exited
  }
}

/** Two visits with the cookie the first one set. */
async function countsVisits(base: string): Promise<void> {
  const first = await fetch(base)
  assert.match(await first.text(), /^visits: 1\b/)
  const second = await fetch(base, { headers: { cookie: nextCookie(first) } })
  assert.match(await second.text(), /^visits: 2\b/)
}

test('example:bun counts visits in a cookie', () => withExample('bun', countsVisits))

test('example:deno counts visits in a cookie', () => withExample('deno', countsVisits))

test('example:workers counts visits with a secret from env', () =>
  withExample('workers', countsVisits))

test('example:hono logs in and out', () =>
  withExample('hono', async (base) => {
    assert.match(await (await fetch(base)).text(), /^hello guest/)
    const login = await fetch(`${base}/login`, {
      method: 'POST',
      body: new URLSearchParams({ user: 'ada' }),
      redirect: 'manual',
    })
    assert.equal(login.status, 303)
    const jar = nextCookie(login)
    assert.equal(await (await fetch(base, { headers: { cookie: jar } })).text(), 'hello ada')
    const logout = await fetch(`${base}/logout`, {
      method: 'POST',
      headers: { cookie: jar },
      redirect: 'manual',
    })
    assert.equal(nextCookie(logout, jar), '')
  }))

/** Runs a type checker and fails with its output. */
function check(command: string, args: string[]): void {
  const result = spawnSync(command, args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
    timeout: 180_000,
  })
  assert.equal(result.status, 0, `${args.join(' ')}:\n${result.stdout}\n${result.stderr}`)
}

test('examples type-check against each runtime’s own types: @types/bun, workers types, deno check', () => {
  check(bin('tsc'), ['-p', 'tsconfig.examples-bun.json'])
  check(bin('tsc'), ['-p', 'tsconfig.examples-workers.json'])
  check(bin('deno'), [
    'check',
    'examples/deno.ts',
    'examples/testing/deno.test.ts',
    'examples/testing/store-deno.test.ts',
  ])
})
