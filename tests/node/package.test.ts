/** Packaging: the npm export map, what `npm pack` ships, publint, attw, JSR and deno.json. */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { test } from 'node:test'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { bin, installInto } from '../fixtures/frameworks.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))
const json = (file: string) => JSON.parse(readFileSync(`${root}${file}`, 'utf8'))
const pkg = json('package.json')
const testPkg = json('tests/package.json')
const deno = json('deno.json')
const SUBPATHS = [
  '.',
  './hono',
  './bun',
  './deno',
  './cloudflare',
  './next',
  './sveltekit',
  './astro',
  './elysia',
  './testing',
  './store',
  './otel',
]
/** Optional peers: the frameworks the adapters fit, and OpenTelemetry's API. */
const FRAMEWORKS = {
  '@opentelemetry/api': './otel',
  hono: './hono',
  next: './next',
  '@sveltejs/kit': './sveltekit',
  astro: './astro',
  elysia: './elysia',
}

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', timeout: 180_000 })
  const output = `${result.stdout}\n${result.stderr}`
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed:\n${output.slice(-6000)}`)
  return result.stdout
}

test('package.json exports the core, every adapter, testing, the store toolkit and the OpenTelemetry bridge, each with types, all built', () => {
  assert.deepEqual(
    Object.keys(pkg.exports).filter((key) => key !== './package.json'),
    SUBPATHS,
  )
  assert.equal(pkg.sideEffects, false)
  assert.equal(pkg.type, 'module')
  for (const key of SUBPATHS) {
    const { types, default: main } = pkg.exports[key]
    assert.match(types, /^\.\/dist\/.+\.d\.ts$/, key)
    assert.equal(main, types.replace(/\.d\.ts$/, '.js'), key)
    assert.ok(existsSync(`${root}${main}`), `${main} is not built (npm run build)`)
    assert.ok(existsSync(`${root}${types}`), `${types} is not built (npm run build)`)
  }
})

test('deno.json has the same version and export keys, each on the source of the npm export', () => {
  assert.equal(deno.version, pkg.version)
  assert.deepEqual(Object.keys(deno.exports), SUBPATHS)
  for (const key of SUBPATHS) {
    const built = pkg.exports[key].default.replace(/^\.\/dist\//, './').replace(/\.js$/, '.ts')
    assert.equal(deno.exports[key], built, key)
  }
})

test('every subpath imports by package name and has its entry points', async () => {
  const names: Record<string, string[]> = {
    '.': ['withSession', 'getSession', 'signedCodec', 'cookie', 'SessionError', 'DecodeError'],
    './hono': ['session', 'getSession'],
    './bun': ['withSession'],
    './deno': ['withSession'],
    './cloudflare': ['withSession'],
    './next': ['withSession', 'readSession', 'updateSession'],
    './sveltekit': ['session'],
    './astro': ['session'],
    './testing': ['sessionRequest', 'sessionOf', 'fixedClock', 'storeConformance'],
    './otel': ['otelEvents'],
    './store': [
      'applyPatch',
      'takeValue',
      'checkDeadline',
      'deadlinePassed',
      'serverClock',
      'isStoreRecord',
      'parseStoreRecord',
      'isStoreIndexEntry',
      'parseStoreIndexEntry',
      'indexEntryTtl',
    ],
  }
  // fetch-session/elysia loads Elysia's Bun adapter: tests/node/elysia.test.ts runs it on Bun.
  // Resolved by package name from an app that has the frameworks installed, as a user's app does.
  const dir = `${root}tests/fixtures/frameworks/.package/`
  installInto(dir)
  const app = createRequire(`${dir}package.json`)
  for (const key of SUBPATHS.filter((key) => key !== './elysia')) {
    const module = await import(pathToFileURL(app.resolve(`${pkg.name}${key.slice(1)}`)).href)
    for (const name of names[key]!) assert.equal(typeof module[name], 'function', `${key} ${name}`)
  }
})

test('every framework is an optional peer and a dev dependency, never a dependency', () => {
  for (const [framework, key] of Object.entries(FRAMEWORKS)) {
    assert.equal(pkg.peerDependenciesMeta?.[framework]?.optional, true, framework)
    assert.ok(pkg.peerDependencies?.[framework], framework)
    assert.ok(pkg.devDependencies?.[framework] ?? testPkg.devDependencies?.[framework], framework)
    assert.equal(pkg.dependencies?.[framework], undefined, framework)
    assert.ok(SUBPATHS.includes(key))
  }
  assert.deepEqual(Object.keys(pkg.dependencies), ['jose'])
})

test('package.json says where the project lives and builds before packing', () => {
  assert.equal(pkg.repository.url, 'git+https://github.com/fetch-session/fetch-session.git')
  assert.match(pkg.homepage, /^https:\/\/github\.com\/fetch-session\/fetch-session/)
  assert.match(pkg.bugs.url, /\/issues$/)
  assert.equal(pkg.scripts.prepack, 'npm run build')
})

test('README links work on npm and JSR: absolute, or to a file the package ships', () => {
  const readme = readFileSync(`${root}README.md`, 'utf8')
  const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!)
  const broken = links.filter(
    (link) => !/^(https?:|#)/.test(link) && !['LICENSE', 'README.md'].includes(link),
  )
  assert.deepEqual(broken, [], 'make these links absolute (https://github.com/fetch-session/…)')
  for (const guide of [
    'docs/guide.md',
    'docs/reference.md',
    'docs/frameworks.md',
    'docs/testing.md',
  ]) {
    assert.ok(readme.includes(`/blob/main/${guide})`), `README links ${guide}`)
  }
  const frameworks = readFileSync(`${root}docs/frameworks.md`, 'utf8')
  for (const heading of ['## Next.js', '## SvelteKit', '## Astro', '## Elysia']) {
    assert.ok(frameworks.includes(`\n${heading}`), `docs/frameworks.md section ${heading}`)
  }
  for (const how of ['jsr:@fetch-session/core', 'npm:fetch-session', 'bun add fetch-session']) {
    assert.ok(readme.includes(how), `README says how to import: ${how}`)
  }
})

test('TypeDoc names each module by its import path', () => {
  const out = `${root}docs/api-names.json`
  try {
    run(bin('typedoc'), ['--json', out])
    const names = JSON.parse(readFileSync(out, 'utf8')).children.map(
      (child: { name: string }) => child.name,
    )
    assert.deepEqual(names.sort(), SUBPATHS.map((key) => `fetch-session${key.slice(1)}`).sort())
  } finally {
    rmSync(out, { force: true })
  }
})

test('npm pack ships the build, its declaration maps and sources, and no tests', () => {
  const [packed] = JSON.parse(run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts']))
  const files: string[] = packed.files.map((file: { path: string }) => file.path)
  for (const key of SUBPATHS) {
    assert.ok(files.includes(pkg.exports[key].default.slice(2)), key)
    assert.ok(files.includes(pkg.exports[key].types.slice(2)), key)
    assert.ok(files.includes(`${pkg.exports[key].types.slice(2)}.map`), `${key} declaration map`)
  }
  assert.ok(files.includes('package.json'))
  assert.ok(files.includes('LICENSE'))
  // The sources are shipped for the declaration maps to point at.
  const stray = files.filter(
    (file) =>
      !/^dist\/(src|adapters)\/.+\.(js|d\.ts|d\.ts\.map)$/.test(file) &&
      !/^(src|adapters)\/.+\.ts$/.test(file) &&
      !/^[^/]+$/.test(file),
  )
  assert.deepEqual(stray, [])
  assert.ok(!files.some((file) => /^(tests|examples|bench|scripts)\//.test(file)), 'tests shipped')
})

test('publint --strict finds nothing', () => {
  assert.match(run(bin('publint'), ['--strict']), /All good/)
})

test('attw --pack: types resolve for ESM consumers on every subpath', () => {
  run(bin('attw'), ['--pack', '.', '--profile', 'esm-only', '--format', 'table-flipped'])
})

test('deno publish --dry-run: JSR accepts the package, no slow types', () => {
  const result = spawnSync(bin('deno'), ['publish', '--dry-run', '--allow-dirty'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 180_000,
  })
  const output = `${result.stdout}\n${result.stderr}`
  assert.equal(result.status, 0, output.slice(-6000))
  assert.match(output, /Dry run complete/)
  for (const file of Object.values(deno.exports) as string[]) {
    assert.ok(output.includes(file.slice(2)), `${file} not published`)
  }
})
