/**
 * The documentation's lists of codecs cannot go stale: every table or sentence that lists the
 * codecs lists every codec the package exports, and every count of them is the exports' count.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import * as api from '../../src/index.ts'
import { root } from '../fixtures/frameworks.ts'
import { documents } from '../fixtures/snippets.ts'

/** The codec factories: exported functions named `<thing>Codec`, not helpers that make one. */
const codecs = Object.keys(api)
  .filter(
    (name) => /^[a-z]\w*Codec$/.test(name) && !/^(create|define|make|is|as|to)[A-Z]/.test(name),
  )
  .filter((name) => typeof (api as Record<string, unknown>)[name] === 'function')
  .sort()
const NUMBERS = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
]
const named = (text: string) => codecs.filter((codec) => text.includes(`\`${codec}\``))

/** Markdown outside code blocks, with each line's number. */
function prose(doc: string): [number, string][] {
  let fenced = false
  return readFileSync(`${root}${doc}`, 'utf8')
    .split('\n')
    .map((line, index): [number, string] => [index + 1, line])
    .filter(([, line]) => {
      if (/^\s*(```|~~~)/.test(line)) fenced = !fenced
      return !fenced
    })
}

test('the package exports the codecs the documentation is checked against', () => {
  assert.ok(codecs.length >= 8, codecs.join(', '))
  assert.ok(codecs.includes('signedCodec') && codecs.includes('storeCodec'))
})

test('a table that lists codecs lists every exported codec', () => {
  const stale: string[] = []
  for (const doc of documents()) {
    const lines = prose(doc)
    for (let i = 0; i < lines.length; i++) {
      const [line, text] = lines[i]!
      if (!text.startsWith('|')) continue
      const start = i
      while (i + 1 < lines.length && lines[i + 1]![1].startsWith('|')) i++
      const table = lines.slice(start, i + 1).map(([, row]) => row)
      const header = table[0]!.split('|').map((cell) => cell.trim())
      // A table by codec: one row per codec, the codec's name in the first cell.
      const byRow = header[1]?.toLowerCase() === 'codec'
      const rows = table.slice(2).map((row) => row.split('|')[1] ?? '')
      const listed = byRow ? named(rows.join(' ')) : named(table[0]!)
      const missing = codecs.filter((codec) => !listed.includes(codec))
      if ((byRow || listed.length >= 3) && missing.length > 0) {
        stale.push(`${doc}:${line}: the table leaves out ${missing.join(', ')}`)
      }
      // A cell that lists codecs (a "built in" column) lists them all.
      for (const [offset, row] of table.entries()) {
        for (const cell of row.split('|')) {
          const inCell = named(cell)
          if (inCell.length >= 3 && inCell.length < codecs.length) {
            const left = codecs.filter((codec) => !inCell.includes(codec))
            stale.push(`${doc}:${line + offset}: the list leaves out ${left.join(', ')}`)
          }
        }
      }
    }
  }
  assert.deepEqual(stale, [])
})

// A count that introduces the list ("**Eight codecs**:", "Eight codecs: …"), not "two codecs on one store".
test('every count of the codecs is the number the package exports', () => {
  const wrong: string[] = []
  for (const doc of documents()) {
    for (const [line, text] of prose(doc)) {
      for (const [phrase, count] of text.matchAll(
        /(?:^|\*\*|- |\. )(\w+) (?:built-in )?codecs\b/gi,
      )) {
        const n = NUMBERS.indexOf(count!.toLowerCase())
        const value = n >= 0 ? n : Number(count)
        if (Number.isInteger(value) && value !== codecs.length) {
          wrong.push(`${doc}:${line}: "${phrase}", but the package has ${codecs.length}`)
        }
      }
    }
  }
  assert.deepEqual(wrong, [])
})
