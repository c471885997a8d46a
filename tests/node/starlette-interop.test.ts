/**
 * starletteCodec against the real Python stack: itsdangerous signs and judges the same tokens
 * (the Starlette app over HTTP: tests/node/starlette-http.test.ts). Needs /usr/bin/python3 with starlette, itsdangerous and
 * uvicorn; in CI their absence fails the run.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { pythonJsonDumps, pythonNumber } from '../../src/codecs/python-json.ts'
import { DecodeError, type SessionData, starletteCodec } from '../../src/index.ts'
import { type Answer, type JsonLinesTool, jsonLinesTool } from '../fixtures/interop/json-lines.ts'
import { INSTALL, skipUnless } from '../fixtures/requirements.ts'

const PYTHON = '/usr/bin/python3'
const interop = fileURLToPath(new URL('../fixtures/interop/', import.meta.url))
const probe = spawnSync(PYTHON, ['-c', 'import starlette, itsdangerous, uvicorn'], {
  encoding: 'utf8',
})
const missing = skipUnless(
  probe.status === 0,
  'Python 3 with starlette, itsdangerous and uvicorn',
  INSTALL.starlette,
)

test('the Python stack for the interop tests is installed', (t) => {
  if (missing === undefined) return
  assert.notEqual(process.env.CI, 'true', missing)
  t.skip(missing)
})

const SECRET = 'a shared starlette secret_key'
const OLD_SECRET = 'the secret_key before rotation'
const T = 1767225600

const PAYLOADS: SessionData[] = [
  {},
  { user: 'ana' },
  { name: 'Zoë', city: '東京', emoji: '😀🎉', rtl: 'שלום' },
  { k: '????~', q: 'say "hi" \\ / \u007f \u0001 \b\f\n\r\t', s: '\ud800 lone' },
  { nested: { deep: { list: [{}, [], [1, [2, [3]]]] } }, flags: [true, false, null] },
  { f: [0.1, -0.5, 1.5e-7, 1e-5, 0.0001, 1e16, 1e21, -2.5e300, 5e-324, 123456789.123] },
  { i: [0, -1, 42, 9007199254740991, -9007199254740991] },
  { 'key: with, separators': 'value: with, separators', '': 'empty key' },
  { cart: Array.from({ length: 40 }, (_, n) => ({ sku: `sku-${n}`, qty: n % 7 })) },
]
const TIMES = [0, 1, 255, 256, 65535, 65536, 2 ** 24, 2 ** 32, T, 2 ** 40]

/** Why itsdangerous (through Starlette) turns a token down, in DecodeError reasons. */
function pythonVerdict(answer: Answer): string {
  if (answer.ok === true) return 'ok'
  if (answer.error === 'SignatureExpired') return 'expired or future'
  if (String(answer.error).startsWith('crash:')) return 'crash'
  return 'rejected'
}

async function ourVerdict(token: string, maxAge: number | null, now: number): Promise<string> {
  try {
    // Default options: the codec judges as itsdangerous does, future timestamps included.
    const codec = starletteCodec({ secretKey: SECRET, maxAge, now: () => now * 1000 })
    await codec.decode(token)
    return 'ok'
  } catch (error) {
    assert.ok(error instanceof DecodeError)
    return error.reason === 'expired' || error.reason === 'future'
      ? 'expired or future'
      : 'rejected'
  }
}

describe('starletteCodec and the real itsdangerous', { skip: missing }, () => {
  let python: JsonLinesTool
  before(() => {
    python = jsonLinesTool(PYTHON, `${interop}itsdangerous_tool.py`)
  })
  after(() => python.stop())

  test('itsdangerous and starletteCodec sign every payload byte for byte alike', async () => {
    for (const time of TIMES) {
      for (const data of PAYLOADS) {
        const codec = starletteCodec({ secretKey: SECRET, maxAge: null, now: () => time * 1000 })
        const theirs = await python.ask({
          op: 'sign',
          secret_key: SECRET,
          timestamp: time,
          data: JSON.stringify(data),
        })
        assert.equal(await codec.encode(data), theirs.token, `${time} ${JSON.stringify(data)}`)
        assert.deepEqual(await codec.decode(String(theirs.token)), data)
      }
    }
  })

  test('json.dumps and pythonJsonDumps agree on every UTF-16 code unit', async () => {
    const all = String.fromCharCode(...Array.from({ length: 0x10000 }, (_, n) => n))
    const data = { all, astral: '𝄞😀𐍈' }
    const theirs = await python.ask({ op: 'dumps', data: JSON.stringify(data) })
    assert.equal(pythonJsonDumps(data), theirs.text)
  })

  test("pythonNumber matches Python's float repr on 20000 doubles", async () => {
    let seed = 0x2545f491
    const random = () => {
      seed ^= seed << 13
      seed ^= seed >>> 17
      seed ^= seed << 5
      return seed >>> 0
    }
    const view = new DataView(new ArrayBuffer(8))
    const values: number[] = [1e-7, 1e-5, 1e-4, 0.1, 1e15 + 0.5, 1e16, 1e21, 1.7976931348623157e308]
    while (values.length < 20_000) {
      view.setUint32(0, random())
      view.setUint32(4, random())
      const value = view.getFloat64(0)
      if (Number.isFinite(value)) values.push(value)
    }
    // Whole numbers below 1e21 are written as ints, as JSON.stringify writes them.
    const floats = values.filter((value) => !Number.isInteger(value) || Math.abs(value) >= 1e21)
    const theirs = await python.ask({ op: 'float_repr', values: floats.map(String) })
    assert.deepEqual(floats.map(pythonNumber), theirs.reprs)
  })

  test('with default options on both sides, both judge alike at every boundary, future timestamps included', async () => {
    const token = await starletteCodec({ secretKey: SECRET, now: () => T * 1000 }).encode({ a: 1 })
    const offsets = [-3600, -6, -5, -1, -0.5, -0.001, 0, 0.5, 0.999, 1, 1.5, 59, 59.999, 60]
    offsets.push(60.5, 61, 1209599, 1209600, 1209600.999, 1209601)
    for (const maxAge of [0, 1, 60, 1209600, null]) {
      for (const offset of offsets) {
        const now = T + offset
        const theirs = await python.ask({
          op: 'unsign',
          secret_key: SECRET,
          token,
          max_age: maxAge,
          now,
        })
        assert.equal(
          await ourVerdict(token, maxAge, now),
          pythonVerdict(theirs),
          `maxAge ${maxAge} age ${offset}`,
        )
      }
    }
  })

  test('rotation: [new, old] here signs like [old, new] in itsdangerous and reads both', async () => {
    const keys = [OLD_SECRET, SECRET]
    const ours = starletteCodec({ secretKey: [SECRET, OLD_SECRET], now: () => T * 1000 })
    const signed = await python.ask({
      op: 'sign',
      secret_key: keys,
      timestamp: T,
      data: '{"u": 1}',
    })
    assert.equal(await ours.encode({ u: 1 }), signed.token)
    const old = await python.ask({
      op: 'sign',
      secret_key: OLD_SECRET,
      timestamp: T,
      data: '{"u": 2}',
    })
    assert.deepEqual(await ours.decode(String(old.token)), { u: 2 })
    const read = await python.ask({
      op: 'unsign',
      secret_key: keys,
      token: old.token,
      max_age: 60,
      now: T,
    })
    assert.deepEqual(read, { ok: true, data: { u: 2 } })
  })

  test('tampered tokens are turned down by both; a bad payload crashes Starlette, not us', async () => {
    const good = String(
      (await python.ask({ op: 'sign', secret_key: SECRET, timestamp: T, data: '{"a": 1}' })).token,
    )
    const [payload, time, signature] = good.split('.') as [string, string, string]
    const notJson = await python.ask({ op: 'sign', secret_key: SECRET, timestamp: T, data: '"x"' })
    const cases: [string, string][] = [
      [
        `${payload}.${time}.${signature.slice(0, 5)}${signature[5] === 'A' ? 'B' : 'A'}${signature.slice(6)}`,
        'rejected',
      ],
      [`eyJhIjogMn0=.${time}.${signature}`, 'rejected'],
      [`${payload}.aVW5AQ.${signature}`, 'rejected'],
      [`${payload}.${signature}`, 'rejected'],
      ['null', 'rejected'],
      ['', 'rejected'],
      [String(notJson.token), 'not an object'],
    ]
    for (const [token, expected] of cases) {
      const theirs = await python.ask({
        op: 'unsign',
        secret_key: SECRET,
        token,
        max_age: 60,
        now: T,
      })
      if (expected === 'not an object') {
        // Starlette stores the string "x" as the session and fails on its first use; we start empty.
        assert.deepEqual(theirs, { ok: true, data: 'x' })
        await assert.rejects(
          async () => starletteCodec({ secretKey: SECRET, now: () => T * 1000 }).decode(token),
          (error: unknown) => error instanceof DecodeError && error.reason === 'malformed',
        )
      } else {
        assert.equal(pythonVerdict(theirs), expected, token)
        assert.equal(await ourVerdict(token, 60, T), expected, token)
      }
    }
  })
})

/** A free TCP port on 127.0.0.1 (uvicorn needs one given; it cannot report a port 0 choice). */
