/** The synchronous SHA-256 behind the key cache's ids agrees with WebCrypto's. */
import assert from 'node:assert/strict'
import { sha256Hex } from '../../../src/lib/sha256.ts'
import { suite } from '../../harness.ts'

const test = suite('sha256')

const hex = (buffer: ArrayBuffer) =>
  Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('')

test('FIPS 180-2 vectors: "abc" and the empty string', () => {
  const abc = new TextEncoder().encode('abc')
  assert.equal(sha256Hex(abc), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  assert.equal(
    sha256Hex(new Uint8Array(0)),
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  )
})

test('agrees with crypto.subtle.digest at every length around the block boundaries', async () => {
  for (const length of [1, 54, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 4099]) {
    const message = crypto.getRandomValues(new Uint8Array(length))
    assert.equal(
      sha256Hex(message),
      hex(await crypto.subtle.digest('SHA-256', message)),
      `${length}`,
    )
  }
})
