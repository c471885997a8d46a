/** Shared pieces of the conformance suite: a settable clock, a cookie jar, small handlers. */
import type { DecodeError, SessionBackends, SessionOptions } from '../../src/index.ts'
import { cookie, getSession, signedCodec, withSession } from '../../src/index.ts'

export const SECRET = 'a-test-secret-that-is-32-bytes-long!'
export const OTHER_SECRET = 'another-test-secret-of-32-bytes-or-more'

/** A clock the test moves by hand, in milliseconds. */
export function clock(start = Date.UTC(2026, 0, 1)): {
  now: () => number
  advance(seconds: number): void
} {
  let time = start
  return {
    now: () => time,
    advance(seconds) {
      time += seconds * 1000
    },
  }
}

/** The cookie pairs a response sets, as the next request's Cookie header (cleared ones dropped). */
export function nextCookie(response: Response, previous = ''): string {
  const jar = new Map(
    previous
      .split('; ')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair] as const),
  )
  for (const line of response.headers.getSetCookie()) {
    const pair = line.split(';')[0]!
    const name = pair.slice(0, pair.indexOf('='))
    if (/;\s*Max-Age=0/i.test(line)) jar.delete(name)
    else jar.set(name, pair)
  }
  return [...jar.values()].join('; ')
}

export function request(
  cookieHeader = '',
  init: RequestInit = {},
  url = 'http://localhost/',
): Request {
  const headers = new Headers(init.headers)
  if (cookieHeader) headers.set('cookie', cookieHeader)
  return new Request(url, { ...init, headers })
}

/** The default backend set under test: a signed token in cookie `session`. */
export function signedBackends(
  options: Partial<Parameters<typeof signedCodec>[0]> = {},
  cookieOptions: Parameters<typeof cookie>[0] = {},
): SessionBackends {
  return { codec: signedCodec({ secrets: SECRET, ...options }), ...cookie(cookieOptions) }
}

/** A handler that counts visits; `/read` only reads. Collects `onInvalid` reasons. */
export function counter(
  backends: SessionBackends = signedBackends(),
  options: SessionOptions = {},
) {
  const invalid: DecodeError[] = []
  const handler = withSession(
    async (req: Request) => {
      const session = await getSession<{ count: number }>(req)
      if (new URL(req.url).pathname !== '/read')
        session.set('count', (session.get('count') ?? 0) + 1)
      return new Response(String(session.get('count') ?? 0))
    },
    backends,
    {
      ...options,
      onInvalid: (error, req) => {
        invalid.push(error)
        return options.onInvalid?.(error, req)
      },
    },
  )
  return { handler, invalid }
}
