/**
 * Every code block of the README, CHANGELOG, SECURITY and docs/ (found by themselves, so a block
 * added later is covered) compiles against its runtime's real types, one program per runtime, and
 * every block marked `run` answers as a server on its runtime: the Next.js guide through a real
 * `next build` and `next start`. The info-string words are described in `fixtures/snippets.ts`.
 */
import assert from 'node:assert/strict'
import { readFileSync, rmSync } from 'node:fs'
import { after, test } from 'node:test'
import { bin, build, frameworkSkip, freePort, root, SECRET, start } from '../fixtures/frameworks.ts'
import {
  appDir,
  appsDir,
  programsDir,
  typeCheck,
  writePrograms,
} from '../fixtures/snippet-programs.ts'
import { blocksOf, documents, missingScripts, type Snippet, where } from '../fixtures/snippets.ts'
import { nextCookie } from '../fixtures/suite.ts'

const problems: string[] = []
const snippets: Snippet[] = documents().flatMap((doc) => {
  try {
    return blocksOf(doc)
  } catch (error) {
    problems.push((error as Error).message)
    return []
  }
})
const checked = snippets.filter((s) => ['ts', 'tsx', 'typescript'].includes(s.lang))
const programs = writePrograms(checked)
after(() => {
  rmSync(programsDir, { recursive: true, force: true })
  rmSync(appsDir, { recursive: true, force: true })
})

test('every code block says its language, and its words are known', () => {
  assert.deepEqual(problems, [])
  assert.ok(checked.length > 20, `only ${checked.length} TypeScript blocks found`)
})

test('every npm script a shell block runs exists, and every json block parses', () => {
  const { scripts } = JSON.parse(readFileSync(`${root}package.json`, 'utf8'))
  const wrong = snippets.filter((s) => s.lang === 'sh').flatMap((s) => missingScripts(s, scripts))
  for (const snippet of snippets.filter((s) => s.lang === 'json')) {
    try {
      JSON.parse(snippet.code)
    } catch (error) {
      wrong.push(`${where(snippet)}: ${(error as Error).message}`)
    }
  }
  assert.deepEqual(wrong, [])
})

const FRAMEWORKS: Record<string, string[]> = {
  next: ['next', 'react', 'react-dom'],
  sveltekit: ['@sveltejs/kit', 'svelte'],
  astro: ['astro'],
  elysia: ['elysia'],
}

for (const program of programs) {
  const count = program.files.size
  const packages = FRAMEWORKS[program.runtime]
  const skip = packages && frameworkSkip(program.runtime, packages)
  test(`the ${count} ${program.name} blocks type-check against ${program.runtime}'s types`, {
    skip,
  }, () => {
    const errors = typeCheck(program)
    if (errors !== undefined) assert.fail(`a documented block does not compile:\n${errors}`)
  })
}

/** How each runtime starts a block, as the documentation's run commands say. */
function command(snippet: Snippet, path: string): [string, string[]] {
  switch (snippet.runtime) {
    case 'node':
      return [process.execPath, ['--import', 'tsx', path]]
    case 'bun':
    case 'elysia':
      return [bin('bun'), [path]]
    case 'deno':
      return [bin('deno'), ['run', '--allow-net', '--allow-env', path]]
    case 'workers':
      return [process.execPath, ['--import', 'tsx', `${root}tests/runners/serve-worker.ts`, path]]
    default:
      throw new Error(`${where(snippet)}: run is not supported for ${snippet.runtime} blocks`)
  }
}

/** A visit sets a session cookie, and the next visit with it is answered too. */
async function visits(base: string, at: string): Promise<void> {
  const first = await fetch(base)
  const text = await first.text()
  assert.ok(first.status < 400, `${at}: GET / answered ${first.status}: ${text}`)
  const jar = nextCookie(first)
  assert.notEqual(jar, '', `${at}: GET / set no session cookie`)
  const second = await fetch(base, { headers: { cookie: jar } })
  assert.ok(second.status < 400, `${at}: GET / with its cookie answered ${second.status}`)
  assert.notEqual(await second.text(), text, `${at}: the second visit answered as the first`)
}

for (const program of programs.filter((p) => p.runtime !== 'next')) {
  for (const [path, snippet] of program.files) {
    if (!snippet.run || snippet.file !== undefined) continue
    test(`${where(snippet)} runs on ${snippet.runtime} as the documentation says`, async () => {
      const port = await freePort()
      const [cmd, args] = command(snippet, `${root}${path}`)
      const server = await start(cmd, args, {
        cwd: snippet.runtime === 'deno' ? program.dir : root,
        env: { SESSION_SECRET: SECRET, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
        port,
      })
      try {
        await visits(server.base, where(snippet))
      } finally {
        await server.stop()
      }
    })
  }
}

const nextApps = [
  ...new Set(checked.filter((s) => s.runtime === 'next' && s.run).map((s) => s.doc)),
]
for (const doc of nextApps) {
  test(`${doc}'s Next.js app builds without its secret, then logs in, guards and counts`, {
    skip: frameworkSkip('Next.js', FRAMEWORKS.next!),
  }, async () => {
    const app = appDir('next', doc)
    const env = { NEXT_TELEMETRY_DISABLED: '1', SESSION_SECRET: '' }
    build(process.execPath, [bin('next'), 'build'], app, env)
    const port = await freePort()
    const server = await start(
      process.execPath,
      [bin('next'), 'start', '-H', '127.0.0.1', '-p', String(port)],
      {
        cwd: app,
        env: { ...env, SESSION_SECRET: SECRET },
        port,
      },
    )
    try {
      await nextFlows(server.base)
    } finally {
      await server.stop()
    }
  })
}

/** The page, the guarded page, the route handler and the login action, as a browser uses them. */
async function nextFlows(base: string): Promise<void> {
  // fetch follows redirects and fails on a loop, as a browser does (ERR_TOO_MANY_REDIRECTS).
  const page = await fetch(`${base}/`)
  assert.equal(page.status, 200)
  const html = await page.text()
  assert.match(html, /guest/)
  const guarded = await fetch(`${base}/private`, { redirect: 'manual' })
  assert.equal(guarded.status, 303, 'the proxy turns a guest away')

  const form = /<form[\s\S]*?<\/form>/.exec(html)?.[0] ?? ''
  const body = new FormData()
  for (const [, name, value] of form.matchAll(
    /<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?/g,
  )) {
    body.append(name!, value ?? '')
  }
  body.append('user', 'ada')
  const login = await fetch(`${base}/`, { method: 'POST', body, redirect: 'manual' })
  const jar = nextCookie(login)
  assert.match(jar, /^__Host-session=/, `login set no cookie (${login.status})`)
  assert.match(await (await fetch(`${base}/`, { headers: { cookie: jar } })).text(), /ada/)
  assert.equal((await fetch(`${base}/private`, { headers: { cookie: jar } })).status, 200)

  const count = await fetch(`${base}/api/count`)
  assert.deepEqual(await count.json(), { visits: 1 })
  const again = await fetch(`${base}/api/count`, { headers: { cookie: nextCookie(count) } })
  assert.deepEqual(await again.json(), { visits: 2 })
}
