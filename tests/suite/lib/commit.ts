/** The committed response is exactly the handler's, plus our headers, and never another user's. */
import assert from 'node:assert/strict'
import { cookie, getSession, type Session, signedCodec, withSession } from '../../../src/index.ts'
import { request, SECRET } from '../../fixtures/suite.ts'
import { suite } from '../../harness.ts'

const test = suite('commit')

const codec = signedCodec({ secrets: SECRET })
const backends = { codec, ...cookie() }

/** A handler that stores `user` in the session and answers with `make()`. */
function answering(make: () => Response) {
  return withSession(async (req: Request) => {
    ;(await getSession(req)).set('user', req.headers.get('x-user') ?? 'ada')
    return make()
  }, backends)
}

function as(user: string): Request {
  return request('', { headers: { 'x-user': user } })
}

/** The users whose session cookies a response carries. */
async function usersIn(response: Response): Promise<string[]> {
  const users: string[] = []
  for (const line of response.headers.getSetCookie()) {
    const token = line.slice(line.indexOf('=') + 1, line.indexOf(';'))
    users.push(String((await codec.decode(token)).user))
  }
  return users
}

/** The body's content type as the runtime serves it, implied ones included (Bun's). */
async function servedType(response: Response): Promise<string> {
  return (await response.clone().blob()).type.replace(/boundary=.*/, 'boundary')
}

const BODIES: [string, () => Response][] = [
  ['a string', () => new Response('hello', { headers: { 'x-own': '1' } })],
  ['JSON', () => Response.json({ a: 1 }, { status: 201, headers: { etag: '"v1"' } })],
  ['a Blob', () => new Response(new Blob(['<svg/>'], { type: 'image/svg+xml' }))],
  [
    'FormData',
    () => {
      const form = new FormData()
      form.set('field', 'value')
      return new Response(form)
    },
  ],
  [
    'a stream',
    () =>
      new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('streamed'))
            controller.close()
          },
        }),
        { headers: { 'content-type': 'text/event-stream' } },
      ),
  ],
  ['no body', () => new Response(null, { status: 204, statusText: 'Done' })],
  ['a redirect', () => Response.redirect('http://localhost/next', 303)],
]

for (const [what, make] of BODIES) {
  test(`a committed response with ${what} is the handler's plus our headers`, async () => {
    const committed = await answering(make)(as('ada'))
    const reference = make()
    assert.equal(committed.status, reference.status)
    assert.equal(committed.statusText, reference.statusText)
    assert.equal(await servedType(committed), await servedType(reference))
    const ours = new Set(['set-cookie', 'vary', 'cache-control', 'content-type'])
    for (const [name, value] of reference.headers) {
      if (!ours.has(name)) assert.equal(committed.headers.get(name), value, name)
    }
    assert.deepEqual(await usersIn(committed), ['ada'])
    if (what === 'FormData') {
      assert.equal((await committed.formData()).get('field'), 'value')
    } else {
      assert.equal(await committed.text(), await reference.text())
    }
  })
}

test('Response.error() passes through unchanged, and the session can no longer change', async () => {
  const failed = Response.error()
  let kept: Session | undefined
  const handler = withSession(async (req: Request) => {
    kept = await getSession(req)
    kept.set('user', 'ada')
    return failed
  }, backends)
  assert.equal(await handler(as('ada')), failed)
  assert.throws(
    () => kept?.set('user', 'bob'),
    (error: unknown) => (error as { code?: string }).code === 'ERR_SESSION_COMMITTED',
  )
})

test('a change after the response was committed throws ERR_SESSION_COMMITTED', async () => {
  let kept: Session | undefined
  const handler = withSession(async (req: Request) => {
    kept = await getSession(req)
    return new Response('ok')
  }, backends)
  await handler(as('ada'))
  for (const change of [
    () => kept!.set('user', 'late'),
    () => kept!.delete('user'),
    () => kept!.clear(),
    () => kept!.flash('notice', 'late'),
    () => kept!.regenerate(),
    () => kept!.setMaxAge(60),
  ]) {
    assert.throws(change, (error: unknown) => {
      return (error as { code?: string }).code === 'ERR_SESSION_COMMITTED'
    })
  }
})

test('a BigInt in the session is a SessionError from the wrapped handler, not a raw TypeError', async () => {
  const handler = withSession(async (req: Request) => {
    ;(await getSession(req)).set('n', 1n as never)
    return new Response('ok')
  }, backends)
  await assert.rejects(handler(as('ada')), (error: unknown) => {
    return error instanceof Error && (error as { code?: string }).code === 'ERR_SESSION_DATA'
  })
})

// A module-level constant returned to every request: the classic way to leak a Set-Cookie.
test("a Response shared by many requests never carries one user's cookie to another", async () => {
  const shared = new Response(null, { status: 204, headers: { 'x-shared': 'yes' } })
  const handler = answering(() => shared)
  const untouched = withSession(() => shared, backends)
  const first = await handler(as('ada'))
  const second = await handler(as('bob'))
  const quiet = await untouched(as('eve'))
  assert.deepEqual(await usersIn(first), ['ada'])
  assert.deepEqual(await usersIn(second), ['bob'])
  assert.deepEqual(await usersIn(quiet), [], 'a request that wrote nothing gets no cookie')
  assert.notEqual(second, shared)
  assert.equal(second.headers.get('x-shared'), 'yes')
  assert.equal(quiet.headers.get('x-shared'), 'yes')
})

test('a shared Response first returned by a request that wrote nothing is copied by writers', async () => {
  const shared = new Response(null, { status: 204 })
  const untouched = withSession(() => shared, backends)
  assert.equal(await untouched(as('eve')), shared)
  const written = await answering(() => shared)(as('ada'))
  assert.notEqual(written, shared)
  assert.deepEqual(await usersIn(written), ['ada'])
  assert.deepEqual(await usersIn(shared), [])
})

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {}
  const promise = new Promise<void>((done) => {
    resolve = done
  })
  return { promise, resolve }
}

/** Starts `users` requests that all return `shared`, and lets them commit in `order`. */
async function interleaved(shared: Response, users: string[], order: number[]) {
  const gates = users.map(deferred)
  const reached = users.map(deferred)
  const handler = withSession(async (req: Request) => {
    const index = Number(req.headers.get('x-index'))
    ;(await getSession(req)).set('user', users[index]!)
    reached[index]!.resolve()
    await gates[index]!.promise
    return shared
  }, backends)
  const responses = users.map((user, index) =>
    handler(request('', { headers: { 'x-user': user, 'x-index': String(index) } })),
  )
  await Promise.all(reached.map((r) => r.promise))
  for (const index of order) {
    gates[index]!.resolve()
    await responses[index]
  }
  return Promise.all(responses)
}

test('forced interleavings: whatever order shared responses commit in, each gets its own cookie', async () => {
  for (const order of [
    [0, 1, 2],
    [2, 1, 0],
    [1, 2, 0],
  ]) {
    const users = ['ada', 'bob', 'cyd']
    const responses = await interleaved(new Response(null, { status: 204 }), users, order)
    for (const [index, response] of responses.entries()) {
      assert.deepEqual(await usersIn(response), [users[index]], `order ${order}`)
    }
  }
})

test('60 concurrent users sharing one Response each get exactly their own cookie', async () => {
  const users = Array.from({ length: 60 }, (_, index) => `user-${index}`)
  // A fixed shuffle, so a failure can be replayed.
  const order = users.map((_, index) => (index * 37) % 60)
  const responses = await interleaved(new Response(null, { status: 204 }), users, order)
  for (const [index, response] of responses.entries()) {
    assert.deepEqual(await usersIn(response), [users[index]])
  }
})
