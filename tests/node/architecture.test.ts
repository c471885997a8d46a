/** The rooms of src/ and what may import what, as docs/architecture.md draws them. */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))

interface Room {
  name: string
  /** Files (`src/index.ts`) and folders (`src/core/`) of the room. */
  members: string[]
  /** Room names and single files it may import. */
  allowed: string[]
}

/** The table under "What may import what". */
function rooms(): Room[] {
  const doc = readFileSync(`${root}docs/architecture.md`, 'utf8')
  const section = doc.slice(doc.indexOf('## What may import what'))
  const rows = section
    .split('\n')
    .filter((line) => /^\| [a-z]/.test(line) && !line.startsWith('| room'))
  return rows.map((row) => {
    const [name, files, allowed] = row
      .split('|')
      .slice(1, 4)
      .map((cell) => cell.trim())
    const list = (cell: string) => cell.split(',').map((item) => item.trim().replace(/`/g, ''))
    return { name: name!, members: list(files!), allowed: list(allowed!) }
  })
}

function sourceFiles(): string[] {
  return ['src', 'adapters'].flatMap((dir) =>
    readdirSync(`${root}${dir}`, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
      .map((entry) => `${entry.parentPath.slice(root.length)}/${entry.name}`),
  )
}

function roomOf(file: string, all: Room[]): Room | undefined {
  return all.find((room) =>
    room.members.some((member) =>
      member.endsWith('/') ? file.startsWith(member) : file === member,
    ),
  )
}

function importsOf(file: string): string[] {
  const source = readFileSync(`${root}${file}`, 'utf8')
  // An import or export-from statement; never a declaration (no `(` or `=` before `from`).
  const statements = /^(?:import|export)[^'"()=]*?from\s+['"]([^'"]+)['"]/gm
  return [...source.matchAll(statements)].map((m) => m[1]!)
}

test('every source file belongs to exactly one room of docs/architecture.md', () => {
  const all = rooms()
  assert.ok(all.length >= 8, 'the table of rooms is found')
  const homeless = sourceFiles().filter((file) => roomOf(file, all) === undefined)
  assert.deepEqual(homeless, [], 'add the file to a room, or the room to the table')
})

test('imports only point down: each import is allowed by the table', () => {
  const all = rooms()
  const offenders: string[] = []
  for (const file of sourceFiles()) {
    const room = roomOf(file, all)!
    for (const specifier of importsOf(file)) {
      if (!specifier.startsWith('.')) continue
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier))
      const targetRoom = roomOf(target, all)
      const ok =
        targetRoom === room ||
        room.allowed.includes(target) ||
        (targetRoom !== undefined && room.allowed.includes(targetRoom.name))
      if (!ok) offenders.push(`${file} imports ${target} (${targetRoom?.name ?? 'no room'})`)
    }
  }
  assert.deepEqual(offenders, [])
})

test('packages: jose in the JWT/JOSE files only, no framework or node: module in src/', () => {
  const offenders: string[] = []
  for (const file of sourceFiles().filter((f) => f.startsWith('src/'))) {
    for (const specifier of importsOf(file)) {
      if (specifier.startsWith('.')) continue
      const jose =
        specifier === 'jose' &&
        /^src\/(?:codecs\/(?:jwt|jws)|core\/device-bound\/jose-)[a-z-]*\.ts$/.test(file)
      if (!jose) offenders.push(`${file} imports ${specifier}`)
    }
  }
  assert.deepEqual(offenders, [])
})
