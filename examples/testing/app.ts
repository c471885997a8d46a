/** The app the testing examples test: an account page behind a login, with an idle timeout. */
// In your app: import these from 'fetch-session'.
import {
  cookie,
  getSession,
  type SessionBackends,
  signedCodec,
  withSession,
} from '../../src/index.ts'

export interface AppSession {
  user?: string
}

/** Backends with an injectable clock, so a test can let the session go idle without sleeping. */
export function appBackends(now: () => number = Date.now): SessionBackends {
  return {
    codec: signedCodec({ secrets: 'an-example-secret-for-the-tests-only', idleTimeout: 1800, now }),
    ...cookie({ name: '__Host-session' }),
  }
}

export function createApp(backends: SessionBackends): (request: Request) => Promise<Response> {
  return withSession(async (request: Request) => {
    const session = await getSession<AppSession>(request)
    const { pathname } = new URL(request.url)
    if (pathname === '/logout') {
      session.destroy()
      return new Response('bye')
    }
    const user = session.get('user')
    if (user === undefined) return new Response('log in first', { status: 401 })
    return new Response(`account of ${user}`)
  }, backends)
}
