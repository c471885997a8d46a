import assert from 'node:assert/strict'
import type { AuthorizationBackend, CodecBackend, StorageBackend } from '../../src/index.ts'
import { DecodeError } from '../../src/index.ts'
import { counter, request } from '../fixtures/suite.ts'
import { suite } from '../harness.ts'

const test = suite('custom backends')

// The README's example, kept working: each backend in a few lines.
const base64Codec: CodecBackend = {
  encode: (data) => btoa(JSON.stringify(data)),
  decode: (token) => {
    try {
      return JSON.parse(atob(token))
    } catch (cause) {
      throw new DecodeError('malformed', 'not base64 JSON', { cause })
    }
  },
}
const echoStorage: StorageBackend = {
  persist: (headers, token) => headers.set('x-session', token),
  clear: (headers) => headers.set('x-session', ''),
}
const queryAuthorization: AuthorizationBackend = {
  getToken: (req) => new URL(req.url).searchParams.get('session') ?? undefined,
}

test('a hand-written codec, storage and authorization run a session', async () => {
  const { handler, invalid } = counter({
    codec: base64Codec,
    storage: echoStorage,
    authorization: queryAuthorization,
  })
  const first = await handler(request())
  const token = first.headers.get('x-session')!
  assert.deepEqual(JSON.parse(atob(token)), { count: 1 })
  const second = await handler(
    request('', {}, `http://localhost/?session=${encodeURIComponent(token)}`),
  )
  assert.equal(await second.text(), '2')
  await handler(request('', {}, 'http://localhost/read?session=%25%25'))
  assert.equal(invalid[0]?.reason, 'malformed')
})
