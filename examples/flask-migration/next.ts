/** The routes already moved to fetch-session, sharing Flask's `session` cookie. */
import { cookie, flaskCodec, getSession, withSession } from '../../src/index.ts'

export function nextApp(secretKey: string): (request: Request) => Promise<Response> {
  return withSession(
    async (request: Request) => {
      const session = await getSession<{ user?: string; visits?: number }>(request)
      const { pathname } = new URL(request.url)
      if (pathname === '/v2/visits') {
        session.set('visits', (session.get('visits') ?? 0) + 1)
        return Response.json({
          user: session.get('user') ?? null,
          visits: session.get('visits'),
          by: 'fetch-session',
        })
      }
      if (pathname === '/v2/logout' && request.method === 'POST') {
        session.clear()
        return Response.json({ user: null })
      }
      return new Response('not found', { status: 404 })
    },
    { codec: flaskCodec({ secretKey }), ...cookie({ name: 'session', secure: false }) },
  )
}
