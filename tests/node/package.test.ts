/** Packaging: the npm export map, what `npm pack` ships, publint, attw, JSR and deno.json. */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
const json = (file: string) => JSON.parse(readFileSync(`${root}${file}`, 'utf8'))
const pkg = json('package.json')
const deno = json('deno.json')
const SUBPATHS = ['.', './hono', './bun', './deno', './cloudflare']

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', timeout: 180_000 })
  const output = `${result.stdout}\n${result.stderr}`
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed:\n${output.slice(-6000)}`)
  return result.stdout
}
const bin = (name: string) => `${root}node_modules/.bin/${name}`

test('package.json exports the core and every adapter, each with types, all built', () => {
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
  }
  for (const key of SUBPATHS) {
    const module = await import(`${pkg.name}${key.slice(1)}`)
    for (const name of names[key]!) assert.equal(typeof module[name], 'function', `${key} ${name}`)
  }
})

test('hono is an optional peer, needed for types only: nothing imports it at run time', () => {
  assert.equal(pkg.peerDependenciesMeta?.hono?.optional, true)
  assert.ok(pkg.peerDependencies?.hono)
  assert.equal(pkg.dependencies?.hono, undefined)
  const built = readFileSync(`${root}${pkg.exports['./hono'].default}`, 'utf8')
  assert.doesNotMatch(built, /from ['"]hono['"]|import\(['"]hono['"]\)/)
})

test('npm pack ships the build and the license, and no tests or sources', () => {
  const [packed] = JSON.parse(run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts']))
  const files: string[] = packed.files.map((file: { path: string }) => file.path)
  for (const key of SUBPATHS) {
    assert.ok(files.includes(pkg.exports[key].default.slice(2)), key)
    assert.ok(files.includes(pkg.exports[key].types.slice(2)), key)
  }
  assert.ok(files.includes('package.json'))
  assert.ok(files.includes('LICENSE'))
  const stray = files.filter(
    (file) => !/^dist\/(src|adapters)\/.+\.(js|d\.ts)$/.test(file) && !/^[^/]+$/.test(file),
  )
  assert.deepEqual(stray, [])
  assert.ok(
    !files.some((file) => /test|example|bench|\.ts$(?<!\.d\.ts)/.test(file)),
    'tests shipped',
  )
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
