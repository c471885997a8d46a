/**
 * The test house finds itself: every suite file is registered, suite files share code through
 * tests/fixtures/ only, and nothing a test reads lies outside the repository.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))

/** Every file under `dir` (relative to the repository), depth first. */
function filesUnder(dir: string): string[] {
  return readdirSync(`${root}${dir}`, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !/(?:^|\/)node_modules(?:\/|$)/.test(entry.parentPath))
    .map((entry) => `${entry.parentPath.slice(root.length)}/${entry.name}`)
    .sort()
}

test('tests/suite/index.ts imports every suite file, in path order, and nothing else', () => {
  const suiteFiles = filesUnder('tests/suite')
    .filter((path) => path !== 'tests/suite/index.ts')
    .map((path) => path.slice('tests/suite/'.length))
  const index = readFileSync(`${root}tests/suite/index.ts`, 'utf8')
  const imported = [...index.matchAll(/^import '\.\/(.+)'$/gm)].map((match) => match[1])
  assert.deepEqual(
    imported,
    [...suiteFiles].sort(),
    'add the file to tests/suite/index.ts (or move a helper to tests/fixtures/)',
  )
})

test('suite files import fixtures, never each other', () => {
  for (const path of filesUnder('tests/suite')) {
    if (path === 'tests/suite/index.ts') continue
    const source = readFileSync(`${root}${path}`, 'utf8')
    const specifiers = [...source.matchAll(/from '(\.[^']+)'/g)].map((match) => match[1]!)
    const inSuite = specifiers.filter((specifier) => {
      const target = new URL(specifier, `file://${root}${path}`).pathname.slice(root.length)
      return target.startsWith('tests/suite/')
    })
    assert.deepEqual(
      inSuite,
      [],
      `${path} imports another suite file; share it from tests/fixtures/`,
    )
  }
})

test('no test reads a path outside the repository', () => {
  const offenders: string[] = []
  for (const path of filesUnder('tests')) {
    if (!/\.(ts|py)$/.test(path)) continue
    const source = readFileSync(`${root}${path}`, 'utf8')
    const here = `file://${root}${path}`
    // Relative paths in imports and `new URL(…, import.meta.url)` must resolve inside the repository.
    for (const [, specifier] of source.matchAll(/(?:from |import |new URL\()'(\.\.?\/[^']*)'/g)) {
      const target = new URL(specifier!, here).pathname
      if (!target.startsWith(root)) offenders.push(`${path}: ${specifier}`)
    }
    // A folder beside the repository, or a home or scratch directory of one machine.
    for (const [match] of source.matchAll(/\.\.\/shared\b|['"`]\/(?:home|Users|root|work|tmp)\//g))
      offenders.push(`${path}: ${match}`)
  }
  assert.deepEqual(offenders, [], 'copy the data into tests/ (vectors go to tests/vectors/)')
})
