/** pythonJsonDumps: the bytes Python's json.dumps writes, which Starlette signs. */
import assert from 'node:assert/strict'
import { pythonJsonDumps } from '../../../src/codecs/python-json.ts'
import { suite } from '../../harness.ts'

const test = suite('pythonJsonDumps')

test('writes what json.dumps writes', () => {
  // Expected strings printed by Python 3.11's json.dumps for the same values.
  const value = {
    'a, b': 'c: d',
    q: 'say "hi" \\ / \u007f \u0001 \b\f\n\r\t',
    s: '\ud800 lone',
    e: [],
    o: {},
    n: [1, -0.5, 2e-5, 1e21, 1e100, 100.25, 1234567890123456.8],
  }
  assert.equal(
    pythonJsonDumps(value),
    '{"a, b": "c: d", "q": "say \\"hi\\" \\\\ / \\u007f \\u0001 \\b\\f\\n\\r\\t", "s": "\\ud800 lone", "e": [], "o": {}, "n": [1, -0.5, 2e-05, 1e+21, 1e+100, 100.25, 1234567890123456.8]}',
  )
  assert.equal(pythonJsonDumps(['x', 'é']), '["x", "\\u00e9"]')
  // JSON.stringify's choice of values: toJSON, undefined left out, non-finite as null.
  assert.equal(
    pythonJsonDumps({ d: new Date(0), u: undefined, x: [undefined, Number.NaN] }),
    '{"d": "1970-01-01T00:00:00.000Z", "x": [null, null]}',
  )
})
