/**
 * The benchmark cases: each is a fetch handler and a request to send it. Floors are minimal
 * hand-written handlers doing the same job with no library, so the ratios show the library's cost.
 */
import { cookie, getSession, signedCodec, withSession } from '../src/index.ts'

export const SECRET = 'a-benchmark-secret-that-is-32-bytes!'
const encoder = new TextEncoder()

export interface Case {
  name: string
  /** What the ratio is taken against. */
  floor?: string
  handler: (request: Request) => Promise<Response>
  /** The Cookie header the request carries (a session this handler issued). */
  cookie: string
}

const counter = (session: {
  get(k: 'count'): number | undefined
  set(k: 'count', v: number): void
}) => session.set('count', (session.get('count') ?? 0) + 1)

/** The bare handler: no session at all. */
const bare = async (_request: Request) => new Response('ok')

/** A minimal hand-written HMAC-SHA256 cookie: key imported once, Buffer base64url, no lifetimes. */
function handWrittenHmac(write: boolean) {
  const key = crypto.subtle.importKey(
    'raw',
    encoder.encode(SECRET),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  )
  return async (request: Request): Promise<Response> => {
    const raw = /(?:^|;\s*)session=([^;]*)/.exec(request.headers.get('cookie') ?? '')?.[1]
    let data: { count?: number } = {}
    if (raw) {
      const [payload, tag] = raw.split('.') as [string, string]
      const ok = await crypto.subtle.verify(
        'HMAC',
        await key,
        Buffer.from(tag, 'base64url'),
        encoder.encode(payload),
      )
      if (ok) data = JSON.parse(Buffer.from(payload, 'base64url').toString())
    }
    if (!write) return new Response(String(data.count ?? 0))
    data.count = (data.count ?? 0) + 1
    const payload = Buffer.from(JSON.stringify(data)).toString('base64url')
    const tag = Buffer.from(
      await crypto.subtle.sign('HMAC', await key, encoder.encode(payload)),
    ).toString('base64url')
    return new Response(String(data.count), {
      headers: {
        'set-cookie': `session=${payload}.${tag}; Path=/; Secure; HttpOnly; SameSite=Lax`,
      },
    })
  }
}

function sessionHandler(mode: 'untouched' | 'read' | 'write') {
  return withSession(
    async (request: Request) => {
      if (mode === 'untouched') return new Response('ok')
      const session = await getSession<{ count: number }>(request)
      if (mode === 'write') counter(session)
      return new Response(String(session.get('count') ?? 0))
    },
    { codec: signedCodec({ secrets: SECRET }), ...cookie() },
  )
}

/** Gets a valid session cookie from a handler by letting it write once. */
async function issue(handler: (request: Request) => Promise<Response>): Promise<string> {
  const response = await handler(new Request('http://localhost/'))
  return response.headers.getSetCookie()[0]!.split(';')[0]!
}

export async function cases(): Promise<Case[]> {
  const floorWrite = handWrittenHmac(true)
  const floorCookie = await issue(floorWrite)
  const libraryCookie = await issue(sessionHandler('write'))
  return [
    { name: 'bare handler', handler: bare, cookie: libraryCookie },
    {
      name: 'withSession, session untouched',
      floor: 'bare handler',
      handler: sessionHandler('untouched'),
      cookie: libraryCookie,
    },
    {
      name: 'hand-written HMAC cookie, read',
      handler: handWrittenHmac(false),
      cookie: floorCookie,
    },
    {
      name: 'signedCodec, read',
      floor: 'hand-written HMAC cookie, read',
      handler: sessionHandler('read'),
      cookie: libraryCookie,
    },
    { name: 'hand-written HMAC cookie, write', handler: floorWrite, cookie: floorCookie },
    {
      name: 'signedCodec, write',
      floor: 'hand-written HMAC cookie, write',
      handler: sessionHandler('write'),
      cookie: libraryCookie,
    },
  ]
}
