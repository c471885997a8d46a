/**
 * The demo app: a visit counter, a login form with a flash message, logout, and a panel that shows
 * the decoded session and the size of its cookie. A plain fetch handler, served by ./node.ts.
 */
import type { CodecBackend } from '../../src/index.ts'
import { cookie, getSession, signedCodec, withSession } from '../../src/index.ts'

interface DemoSession {
  visits: number
  user?: string
  notice?: string
}

const COOKIE = '__Host-session'

export function demoApp(options: { secret: string; codec?: CodecBackend }) {
  const codec = options.codec ?? signedCodec({ secrets: options.secret, idleTimeout: 3600 })
  return withSession(
    async (request: Request) => {
      const url = new URL(request.url)
      const session = await getSession<DemoSession>(request)

      if (request.method === 'POST' && url.pathname === '/login') {
        const form = await request.formData()
        const user = String(form.get('user') ?? '')
          .trim()
          .slice(0, 40)
        if (user) {
          session.regenerate()
          session.set('user', user)
          session.flash('notice', `Welcome, ${user}!`)
        }
        return redirect(url)
      }
      if (request.method === 'POST' && url.pathname === '/logout') {
        session.destroy()
        return redirect(url)
      }
      if (url.pathname !== '/') return new Response('Not found', { status: 404 })

      session.set('visits', (session.get('visits') ?? 0) + 1)
      const notice = session.get('notice')
      const token = /(?:^|;\s*)__Host-session=([^;]*)/.exec(
        request.headers.get('cookie') ?? '',
      )?.[1]
      return new Response(
        page(session.get('user'), session.get('visits') ?? 0, notice, session.toJSON(), token),
        {
          headers: { 'content-type': 'text/html; charset=utf-8' },
        },
      )
    },
    { codec, ...cookie({ name: COOKIE }) },
  )
}

function redirect(url: URL): Response {
  return new Response(null, { status: 303, headers: { location: new URL('/', url).href } })
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function page(
  user: string | undefined,
  visits: number,
  notice: string | undefined,
  data: DemoSession,
  token: string | undefined,
): string {
  const size = token === undefined ? 'no cookie yet' : `${COOKIE.length + 1 + token.length} bytes`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>fetch-session demo</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1d2330; }
  main { max-width: 42rem; margin: 3rem auto; padding: 0 1rem; }
  h1 { font-size: 1.6rem; margin: 0 0 1.5rem; } h1 small { color: #6b7280; font-weight: 400; }
  .card { background: #fff; border-radius: 12px; padding: 1.25rem 1.5rem; margin-bottom: 1rem;
    box-shadow: 0 1px 3px rgba(0,0,0,.08); }
  .notice { background: #e7f6ec; color: #145c2c; border-left: 4px solid #2f9e55; }
  .count { font-size: 2.5rem; font-weight: 700; }
  input { font: inherit; padding: .45rem .6rem; border: 1px solid #c9ced6; border-radius: 8px; }
  button { font: inherit; padding: .45rem 1rem; border: 0; border-radius: 8px; background: #3358d4;
    color: #fff; cursor: pointer; } button.secondary { background: #6b7280; }
  pre { background: #1d2330; color: #e6e9ef; padding: 1rem; border-radius: 8px; overflow: auto; }
  .meta { color: #6b7280; font-size: .9rem; }
</style></head>
<body><main>
<h1>fetch-session <small>demo</small></h1>
${notice ? `<div class="card notice" role="status" id="notice">${escapeHtml(notice)}</div>` : ''}
<div class="card">
  <div class="meta">Visits in this session</div>
  <div class="count" id="visits">${visits}</div>
</div>
<div class="card">
${
  user
    ? `<p>Signed in as <strong id="user">${escapeHtml(user)}</strong>.</p>
  <form method="post" action="/logout"><button class="secondary" type="submit">Log out</button></form>`
    : `<form method="post" action="/login">
    <label>Your name <input name="user" autocomplete="username" required maxlength="40"></label>
    <button type="submit">Log in</button>
  </form>`
}
</div>
<div class="card">
  <div class="meta">The session as this request decoded it · cookie <code>${COOKIE}</code>: <span id="size">${size}</span></div>
  <pre id="session">${escapeHtml(JSON.stringify(data, null, 2))}</pre>
  <div class="meta">HttpOnly, Secure, SameSite=Lax · signed with HMAC-SHA256 · the page cannot read the cookie from JavaScript.</div>
</div>
</main></body></html>`
}
