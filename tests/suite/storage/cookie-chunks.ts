import assert from 'node:assert/strict'
import { cookie, getSession, SessionError, signedCodec, withSession } from '../../../src/index.ts'
import { nextCookie, request, SECRET } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('cookie chunking')

/** A handler that stores `size` characters, or clears the session for size 0. */
function sized(maxChunks: number) {
  let size = 0
  const handler = withSession(
    async (req: Request) => {
      const session = await getSession<{ blob: string }>(req)
      const before = session.get('blob')?.length ?? 0
      if (new URL(req.url).pathname === '/write') {
        if (size === 0) session.clear()
        else session.set('blob', 'x'.repeat(size))
      }
      return new Response(String(before))
    },
    { codec: signedCodec({ secrets: SECRET }), ...cookie({ maxChunks }) },
  )
  return {
    write: (n: number, jar = '') => {
      size = n
      return handler(request(jar, {}, 'http://localhost/write'))
    },
    read: async (jar: string) => Number(await (await handler(request(jar))).text()),
  }
}

const names = (response: Response) =>
  response.headers.getSetCookie().map((line) => {
    const pair = line.split(';')[0]!
    return `${pair.slice(0, pair.indexOf('='))}${/Max-Age=0/.test(line) ? ' (expired)' : ''}`
  })

test('a session that fits one cookie is written whole, even with chunking on', async () => {
  const app = sized(4)
  const response = await app.write(100)
  assert.deepEqual(names(response), ['session'])
  assert.equal(await app.read(nextCookie(response)), 100)
})

test('a large session is split over name.0, name.1, … and read back whole', async () => {
  const app = sized(4)
  const response = await app.write(8000)
  assert.deepEqual(names(response), ['session.0', 'session.1', 'session.2'])
  for (const line of response.headers.getSetCookie()) {
    assert.ok(line.split(';')[0]!.length <= 4096, 'each chunk fits a browser cookie')
    assert.match(line, /; Path=\/; Secure; HttpOnly; SameSite=Lax$/)
  }
  assert.equal(await app.read(nextCookie(response)), 8000)
})

test('stale chunks are expired when the session shrinks or grows', async () => {
  const app = sized(4)
  const three = nextCookie(await app.write(8000))
  const shrunk = await app.write(5000, three)
  assert.deepEqual(names(shrunk), ['session.0', 'session.1', 'session.2 (expired)'])
  const twoChunks = nextCookie(shrunk, three)
  assert.equal(await app.read(twoChunks), 5000)

  const whole = await app.write(10, twoChunks)
  assert.deepEqual(names(whole), ['session', 'session.0 (expired)', 'session.1 (expired)'])
  const single = nextCookie(whole, twoChunks)
  assert.equal(await app.read(single), 10)

  const grown = await app.write(6000, single)
  assert.deepEqual(names(grown), ['session.0', 'session.1', 'session (expired)'])
})

test('clearing a chunked session expires every chunk the browser holds', async () => {
  const app = sized(4)
  const jar = nextCookie(await app.write(8000))
  const cleared = await app.write(0, jar)
  assert.deepEqual(names(cleared), [
    'session (expired)',
    'session.0 (expired)',
    'session.1 (expired)',
    'session.2 (expired)',
  ])
  assert.equal(nextCookie(cleared, jar), '')
})

test('a session beyond the chunk cap is ERR_SESSION_TOO_LARGE', async () => {
  const app = sized(2)
  await assert.rejects(app.write(9000), (error: unknown) => {
    assert.ok(error instanceof SessionError)
    assert.equal(error.code, 'ERR_SESSION_TOO_LARGE')
    return true
  })
})

test('chunks are never read past maxChunks, nor past the first missing one', async () => {
  const app = sized(2)
  const three = nextCookie(await sized(4).write(8000))
  assert.equal(await app.read(three), 0, 'three chunks under a cap of two do not decode')
  const gap = three.replace(/session\.1=[^;]*; /, '')
  assert.equal(await sized(4).read(gap), 0)
  const many = Array.from({ length: 1000 }, (_, i) => `session.${i}=A`).join('; ')
  assert.equal(await sized(10).read(many), 0)
})

test('maxChunks outside 1 to 10 is ERR_SESSION_CONFIG', () => {
  for (const maxChunks of [0, 11, 1.5, Number.NaN]) {
    assert.throws(() => cookie({ maxChunks }), SessionError, String(maxChunks))
  }
})
