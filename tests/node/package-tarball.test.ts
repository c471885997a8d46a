/**
 * What `npm pack` makes from a clean checkout (the tracked files, no dist/): `prepack` builds,
 * the tarball installs into a project of its own, every subpath imports, and its declarations
 * compile with `lib: ["ES2023"]`, no DOM library and `skipLibCheck: false` against Node's, Bun's
 * and Workers' types.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
const modules = join(root, 'node_modules')
// What only the tests use (frameworks, Bun): tests/package.json's own install.
const testModules = join(root, 'tests/node_modules')
const scratch = mkdtempSync(join(tmpdir(), 'fetch-session-pack-'))
const checkout = join(scratch, 'checkout')
const project = join(scratch, 'project')
let packed: string[] = []

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 300_000 })
  const output = `${result.stdout}\n${result.stderr}`
  assert.equal(result.status, 0, `${command} ${args.join(' ')}:\n${output.slice(-6000)}`)
  return result.stdout
}

before(() => {
  // A clean checkout of this tree: tracked and new files, nothing ignored (no dist/, no node_modules/).
  const files = run('git', ['ls-files', '-co', '--exclude-standard', '-z'], root)
  for (const file of files.split('\0').filter(Boolean)) {
    cpSync(join(root, file), join(checkout, file), { recursive: true, verbatimSymlinks: true })
  }
  symlinkSync(modules, join(checkout, 'node_modules'), 'dir')
  symlinkSync(testModules, join(checkout, 'tests/node_modules'), 'dir')
  const [pack] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', scratch], checkout))
  packed = pack.files.map((file: { path: string }) => file.path)

  // The project installs the tarball as npm would unpack it; its other packages are this repository's.
  mkdirSync(join(project, 'node_modules'), { recursive: true })
  run('tar', ['-xzf', join(scratch, pack.filename), '-C', join(project, 'node_modules')], project)
  renameSync(join(project, 'node_modules/package'), join(project, 'node_modules/fetch-session'))
  for (const from of [modules, testModules]) {
    const names = readdirSync(from).flatMap((name) =>
      name.startsWith('@')
        ? readdirSync(join(from, name)).map((inner) => `${name}/${inner}`)
        : [name],
    )
    for (const name of names) {
      const to = join(project, 'node_modules', name)
      if (name !== '.bin' && name !== 'fetch-session' && !existsSync(to)) {
        mkdirSync(dirname(to), { recursive: true })
        symlinkSync(join(from, name), to, 'dir')
      }
    }
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'module', private: true }))
})
after(() => rmSync(scratch, { recursive: true, force: true }))

const SUBPATHS = [
  '',
  '/hono',
  '/bun',
  '/deno',
  '/cloudflare',
  '/next',
  '/sveltekit',
  '/astro',
  '/testing',
  '/store',
  '/otel',
]

test('prepack builds a clean checkout: the tarball holds every entry point', () => {
  for (const subpath of [...SUBPATHS, '/elysia']) {
    const base =
      subpath === ''
        ? 'src/index'
        : ['/testing', '/store'].includes(subpath)
          ? `src${subpath}`
          : `adapters${subpath}`
    assert.ok(packed.includes(`dist/${base}.js`), `${base}.js`)
    assert.ok(packed.includes(`dist/${base}.d.ts`), `${base}.d.ts`)
  }
})

test('every subpath of the installed tarball imports: on Node, and /elysia on Bun', () => {
  const imports = SUBPATHS.map(
    (subpath) => `if (Object.keys(await import('fetch-session${subpath}')).length === 0) throw 1`,
  )
  writeFileSync(join(project, 'imports.mjs'), `${imports.join('\n')}\nconsole.log('imported')\n`)
  assert.match(run(process.execPath, ['imports.mjs'], project), /imported/)
  const elysia = "const m = await import('fetch-session/elysia'); console.log(typeof m.session)"
  assert.match(run(join(testModules, '.bin/bun'), ['-e', elysia], project), /function/)
})

/** The core, the runtime adapters, the testing helpers and the store toolkit, with a use of each. */
const USES = `
import { cookie, signedCodec, jwtCodec, withSession, getSession, type Jwk } from 'fetch-session'
import { withSession as bun } from 'fetch-session/bun'
import { withSession as deno } from 'fetch-session/deno'
import { withSession as worker } from 'fetch-session/cloudflare'
import { session } from 'fetch-session/hono'
import { fixedClock, sessionOf, sessionRequest, storeConformance } from 'fetch-session/testing'
import { applyPatch, checkDeadline, type SessionStore, takeValue } from 'fetch-session/store'
import { otelEvents } from 'fetch-session/otel'

const records = new Map<string, { values: Record<string, string>; created: number; touched: number }>()
const store: SessionStore = {
  get: async (id) => records.get(id),
  set: async (id, record, _ttl, call) => { checkDeadline(call, 'set'); records.set(id, record) },
  patch: async (id, patch) => { const record = records.get(id); return record !== undefined && applyPatch(record, patch) !== undefined },
  delete: async (id) => void records.delete(id),
  take: async (id, key) => { const record = records.get(id); return record && takeValue(record, key) },
}
const key = { kty: 'oct', k: 'c2VjcmV0', kid: 'a' } satisfies Jwk
const backends = { codec: signedCodec({ secrets: 'x'.repeat(32) }), ...cookie() }
export const uses = [jwtCodec({ keys: [key], algorithms: ['HS256'] }), bun, deno, worker, session,
  withSession(async (request: Request) => new Response(String((await getSession(request)).isNew)), backends),
  fixedClock().now, sessionOf, sessionRequest, storeConformance, store, otelEvents()]
`

for (const [runtime, types] of [
  ['Node', 'node'],
  ['Bun', 'bun'],
  ['Workers', '@cloudflare/workers-types'],
] as const) {
  test(`the declarations compile without the DOM library, with ${runtime} types`, () => {
    writeFileSync(join(project, `uses-${types.replace(/\W/g, '')}.ts`), USES)
    const config = join(project, `tsconfig.${types.replace(/\W/g, '')}.json`)
    writeFileSync(
      config,
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          types: [types],
        },
        files: [`uses-${types.replace(/\W/g, '')}.ts`],
      }),
    )
    const result = spawnSync(join(modules, '.bin/tsc'), ['-p', config], {
      cwd: project,
      encoding: 'utf8',
      timeout: 180_000,
    })
    // Only errors in this package's files count: a runtime's own types may disagree with another's.
    const ours = result.stdout
      .split('\n')
      .filter((line) => /^(node_modules\/fetch-session\/|uses-)/.test(line))
    assert.deepEqual(ours, [], result.stdout.slice(-6000))
  })
}
