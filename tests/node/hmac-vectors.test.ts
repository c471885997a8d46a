/**
 * Wycheproof HMAC-SHA256 and HMAC-SHA1 vectors (tests/vectors/wycheproof) through the calls the
 * codecs make: `hmacKeys` from src/lib/hmac.ts, on both of its paths (`node:crypto` and WebCrypto).
 * SHA-256 is the signed, store and express tag; SHA-1 is starletteCodec's and flaskCodec's
 * (itsdangerous). Every vector is counted: passed, or skipped with its reason (never a pass).
 */
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { hmacKeys } from '../../src/lib/hmac.ts'
import type { HmacHash } from '../../src/lib/keys.ts'

const VECTORS = fileURLToPath(new URL('../vectors/wycheproof/', import.meta.url))

interface MacTest {
  tcId: number
  comment: string
  key: string
  msg: string
  tag: string
  result: 'valid' | 'invalid' | 'acceptable'
}

interface MacFile {
  numberOfTests: number
  testGroups: { keySize: number; tagSize: number; tests: MacTest[] }[]
}

function load(name: string): MacFile {
  const file = `${VECTORS}${name}`
  assert.ok(existsSync(file), `test vectors missing: ${name} (tests/vectors/wycheproof/)`)
  return JSON.parse(readFileSync(file, 'utf8')) as MacFile
}

function hex(text: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(text.length / 2)
  for (let i = 0; i < bytes.length; i++)
    bytes[i] = Number.parseInt(text.slice(i * 2, i * 2 + 2), 16)
  return bytes
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((byte, i) => byte === b[i])

for (const [file, hash, fullBits, webCrypto] of [
  ['hmac_sha256_test.json', 'SHA-256', 256, false],
  ['hmac_sha256_test.json', 'SHA-256', 256, true],
  ['hmac_sha1_test.json', 'SHA-1', 160, false],
  ['hmac_sha1_test.json', 'SHA-1', 160, true],
] as const) {
  const path = webCrypto ? 'WebCrypto' : 'node:crypto'
  test(`Wycheproof ${file}: hmacKeys sign and verify through ${path}`, async (t) => {
    const vectors = load(file)
    let passed = 0
    let total = 0
    const skipped = new Map<string, number>()
    const failed: string[] = []
    for (const group of vectors.testGroups) {
      for (const vector of group.tests) {
        total++
        // Our codecs compare full-length tags only (WebCrypto verify has no truncation option).
        if (group.tagSize !== fullBits) {
          const reason = `tag truncated to ${group.tagSize} bits: no codec uses a truncated tag`
          skipped.set(reason, (skipped.get(reason) ?? 0) + 1)
          continue
        }
        const keys = hmacKeys([hex(vector.key)], hash as HmacHash, webCrypto)
        const message = hex(vector.msg)
        const tag = hex(vector.tag)
        const computed = await keys.sign(message)
        const verified = (await keys.verify(tag, message)) === 0
        const expected = vector.result === 'valid'
        if (sameBytes(computed, tag) === expected && verified === expected) passed++
        else failed.push(`tcId ${vector.tcId} (${vector.comment})`)
      }
    }
    t.diagnostic(`${file} (${path}): passed ${passed} of ${total}`)
    for (const [reason, count] of skipped) t.diagnostic(`skipped ${count}: ${reason}`)
    assert.equal(total, vectors.numberOfTests)
    assert.deepEqual(failed, [])
    assert.ok(passed > 0)
  })
}
