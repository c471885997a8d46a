/**
 * The demo app: a visit counter, a login form with a flash message, a note kept in the session,
 * logout, and a panel that shows the decoded session and the size of its cookie. A plain fetch
 * handler, served by ./node.ts; the browser tests serve it with other codecs and cookie options.
 */
import type {
  CodecBackend,
  CookieOptions,
  DeviceBoundOptions,
  StoreCodec,
} from '../../src/index.ts'
import { cookie, getSession, SessionError, signedCodec, withSession } from '../../src/index.ts'
import { describeAttributes, sentCookies } from './cookie-info.ts'
import { agentOf, devicesCard } from './devices.ts'
import { expiryCard, expiryRoute } from './expiry.ts'

interface DemoSession {
  visits: number
  user?: string
  note?: string
  notice?: string
  agent?: string
  active?: number
}

export { describeAttributes, sentCookies }

export interface DemoOptions {
  /** The secret of the default codec, `signedCodec` with a one-hour idle timeout. */
  secret: string
  /** Another codec: `encryptedCodec(…)`, `storeCodec({ store: memoryStore() })`, … */
  codec?: CodecBackend
  /** How the page describes the codec. */
  codecLabel?: string
  /** Cookie options; the name defaults to `__Host-session`. */
  cookie?: CookieOptions
  /** A storeCodec built with `index: demoIndex`: the page lists the user's devices. */
  devices?: StoreCodec
  /** Device-bound sessions (DBSC): only where the browser can use them, over HTTPS. */
  deviceBound?: DeviceBoundOptions
}

/** Longest note the form takes; one cookie holds about 2 900 characters of it, 4 chunks 11 000. */
export const MAX_NOTE = 10_000

/**
 * Builds the demo's fetch handler.
 *
 * @example
 * serve({ fetch: demoApp({ secret: process.env.SESSION_SECRET!, cookie: { maxChunks: 4 } }), port: 8787 })
 */
export function demoApp(options: DemoOptions): (request: Request) => Promise<Response> {
  const cookieOptions: CookieOptions = { name: '__Host-session', ...options.cookie }
  const name = cookieOptions.name!
  const devices = options.devices
  const codec =
    devices ?? options.codec ?? signedCodec({ secrets: options.secret, idleTimeout: 3600 })
  const codecLabel =
    options.codecLabel ?? (options.codec ? 'a custom codec' : 'signed with HMAC-SHA256')

  const handler = withSession(
    async (request: Request) => {
      const url = new URL(request.url)
      const session = await getSession<DemoSession>(request)

      if (request.method === 'POST' && url.pathname === '/login') {
        const user = String((await request.formData()).get('user') ?? '')
          .trim()
          .slice(0, 40)
        if (user) {
          // A fresh token at login: a token planted before it (session fixation) is worth nothing.
          session.regenerate()
          session.set('user', user)
          if (devices) session.set('agent', agentOf(request))
          session.flash('notice', `Welcome, ${user}!`)
        }
        return redirect(url)
      }
      if (request.method === 'POST' && url.pathname === '/note') {
        const note = String((await request.formData()).get('note') ?? '').slice(0, MAX_NOTE)
        if (!session.get('user')) return redirect(url)
        if (note) session.set('note', note)
        else session.delete('note')
        session.flash('notice', note ? `Note saved: ${note.length} characters.` : 'Note removed.')
        return redirect(url)
      }
      const user = session.get('user')
      if (request.method === 'POST' && url.pathname === '/logout-others' && devices && user) {
        const count = await devices.destroySessions(user, { except: session.id })
        session.flash('notice', `Logged out ${count} other device${count === 1 ? '' : 's'}.`)
        return redirect(url)
      }
      if (request.method === 'POST' && url.pathname === '/logout-device' && devices && user) {
        const handle = String((await request.formData()).get('handle') ?? '')
        const ended = await devices.destroySession(user, handle)
        session.flash('notice', ended ? 'Logged out that device.' : 'That device was already out.')
        return redirect(url)
      }
      if (request.method === 'POST' && url.pathname === '/logout') {
        session.destroy()
        return redirect(url)
      }
      const stay = () => session.set('active', Date.now())
      const expiry = expiryRoute(request, url, session.expiresAt, stay)
      if (expiry !== undefined) return expiry
      if (url.pathname !== '/') return new Response('Not found', { status: 404 })

      session.set('visits', (session.get('visits') ?? 0) + 1)
      const view: View = {
        user: session.get('user'),
        visits: session.get('visits') ?? 0,
        notice: session.get('notice'),
        note: session.get('note'),
        data: session.toJSON(),
        id: session.id,
        sent: sentCookies(request, name),
        cookieName: name,
        codecLabel,
        attributes: describeAttributes(cookieOptions),
        devices: devices && user ? await devicesCard(devices, user, session.id, escapeHtml) : '',
        bound: session.deviceBound,
      }
      return html(demoPage(view))
    },
    { codec, ...cookie(cookieOptions) },
    { expiryHeader: true, deviceBound: options.deviceBound },
  )

  return async (request: Request): Promise<Response> => {
    try {
      return await handler(request)
    } catch (error) {
      // The session would not fit the cookies it may use: nothing was committed, so the user's
      // previous session is intact; say so instead of failing with a bare 500.
      if (error instanceof SessionError && error.code === 'ERR_SESSION_TOO_LARGE') {
        return html(tooLargePage(name, cookieOptions.maxChunks ?? 1), 413)
      }
      throw error
    }
  }
}

/** What the front page shows; `demoPage` renders it (the load run renders it without a session too). */
export interface View {
  user: string | undefined
  visits: number
  notice: string | undefined
  note: string | undefined
  data: DemoSession
  id: string | undefined
  sent: { bytes: number; count: number }
  cookieName: string
  codecLabel: string
  attributes: string
  devices: string
  bound?: boolean
}

function redirect(url: URL): Response {
  return new Response(null, { status: 303, headers: { location: new URL('/', url).href } })
}

function html(body: string, status = 200): Response {
  return new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8' } })
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** The session as JSON, long strings cut so that a 10 000-character note stays readable. */
function preview(data: DemoSession): string {
  return JSON.stringify(
    data,
    (_, value) =>
      typeof value === 'string' && value.length > 120
        ? `${value.slice(0, 100)}… (${value.length} characters)`
        : value,
    2,
  )
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

/** The front page's HTML. */
export function demoPage(view: View): string {
  const { user, visits, notice, note, sent } = view
  const size =
    sent.count === 0
      ? 'none yet'
      : `${sent.bytes} bytes${sent.count > 1 ? ` in ${plural(sent.count, 'chunk')}` : ''}`
  const account = user
    ? `<p class="who">Signed in as <strong id="user">${escapeHtml(user)}</strong></p>
      <form method="post" action="/note" class="stack">
        <label for="note">A note, kept in the session</label>
        <textarea id="note" name="note" rows="3" maxlength="${MAX_NOTE}"
          placeholder="Anything; a long note shows how big a cookie gets.">${escapeHtml(note ?? '')}</textarea>
        <div class="row"><button type="submit">Save note</button></div>
      </form>
      <form method="post" action="/logout"><button class="quiet" type="submit">Log out</button></form>`
    : `<form method="post" action="/login" class="stack">
        <label for="login-name">Your name</label>
        <div class="row">
          <input id="login-name" name="user" autocomplete="username" required maxlength="40" placeholder="Ada">
          <button type="submit">Log in</button>
        </div>
      </form>`
  return layout(`
  ${notice ? `<div class="notice" role="status" id="notice">${escapeHtml(notice)}</div>` : ''}
  <div class="grid">
    <section class="card">
      <h2>Visits</h2>
      <div class="count" id="visits">${visits}</div>
      <p class="meta">Counted in the session; every page load adds one.</p>
    </section>
    <section class="card">
      <h2>Account</h2>
      ${account}
    </section>
  </div>
  ${view.devices}
  ${expiryCard}
  <section class="card">
    <h2>Session</h2>
    <dl>
      <dt>Cookie</dt><dd><code>${escapeHtml(view.cookieName)}</code></dd>
      <dt>Sent by your browser</dt><dd id="size">${size}</dd>
      <dt>Attributes</dt><dd>${escapeHtml(view.attributes)}</dd>
      <dt>Token</dt><dd>${escapeHtml(view.codecLabel)}</dd>
      ${view.bound ? '<dt>Device</dt><dd id="bound">This session is bound to this device.</dd>' : ''}
      ${view.id ? `<dt>Server-side id</dt><dd><code id="sid">${escapeHtml(view.id)}</code></dd>` : ''}
    </dl>
    <pre id="session">${escapeHtml(preview(view.data))}</pre>
    <p class="meta">The data as this request decoded it. The cookie is HttpOnly: scripts on this page cannot read it.</p>
  </section>`)
}

function tooLargePage(name: string, chunks: number): string {
  return layout(`
  <section class="card error" id="too-large">
    <h2>That does not fit in a cookie</h2>
    <p>The session would exceed ${chunks > 1 ? `${chunks} cookies` : 'one cookie'} of 4096 bytes
    (<code>${escapeHtml(name)}</code>), so it was not saved; your previous session is unchanged.</p>
    <p><a href="/">Back</a></p>
  </section>`)
}

function layout(main: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>fetch-session demo</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  :root { --ink: #172033; --muted: #64708a; --line: #e3e7ef; --accent: #3457d5; }
  * { box-sizing: border-box; }
  body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: var(--ink);
    background: linear-gradient(180deg, #eef1f8 0, #f7f8fb 18rem); }
  header { background: var(--ink); color: #fff; padding: 1.4rem 0 1.6rem; }
  header p { margin: .2rem 0 0; color: #b8c2da; }
  .wrap { max-width: 52rem; margin: 0 auto; padding: 0 1.25rem; }
  h1 { font-size: 1.5rem; margin: 0; letter-spacing: -.01em; }
  h1 span { color: #8fa8ff; }
  h2 { font-size: .8rem; text-transform: uppercase; letter-spacing: .08em; color: var(--muted);
    margin: 0 0 .75rem; }
  main.wrap { padding-top: 1.5rem; padding-bottom: 3rem; }
  .grid { display: grid; grid-template-columns: 1fr 1.6fr; gap: 1rem; }
  @media (max-width: 40rem) { .grid { grid-template-columns: 1fr; } }
  .card { background: #fff; border: 1px solid var(--line); border-radius: 14px; padding: 1.2rem 1.4rem;
    margin-bottom: 1rem; box-shadow: 0 1px 2px rgba(23,32,51,.04); }
  .notice { background: #e6f6ec; color: #14532d; border: 1px solid #b7e4c7; border-radius: 12px;
    padding: .75rem 1rem; margin-bottom: 1rem; font-weight: 500; }
  .count { font-size: 3.2rem; font-weight: 700; line-height: 1; color: var(--accent); }
  .meta { color: var(--muted); font-size: .88rem; margin: .6rem 0 0; }
  .who { margin: 0 0 .9rem; }
  .stack { display: grid; gap: .4rem; margin-bottom: .8rem; }
  .row { display: flex; gap: .5rem; }
  label { font-size: .9rem; color: var(--muted); }
  input, textarea { font: inherit; padding: .5rem .65rem; border: 1px solid #c9d0dd; border-radius: 9px;
    width: 100%; background: #fbfcfe; }
  textarea { resize: vertical; min-height: 4.5rem; }
  button { font: inherit; font-weight: 600; padding: .5rem 1.1rem; border: 0; border-radius: 9px;
    background: var(--accent); color: #fff; cursor: pointer; white-space: nowrap; }
  button.quiet { background: #eef1f6; color: var(--ink); }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1.2rem; margin: 0 0 1rem; }
  dt { color: var(--muted); } dd { margin: 0; overflow-wrap: anywhere; }
  #devices { margin: 0 0 .8rem; padding-left: 1.1rem; } #devices .meta { margin-left: .5rem; }
  code { font: .9em ui-monospace, "SFMono-Regular", Menlo, monospace; }
  pre { background: var(--ink); color: #e6eaf3; padding: 1rem 1.1rem; border-radius: 10px;
    overflow: auto; margin: 0; font: .88rem/1.5 ui-monospace, "SFMono-Regular", Menlo, monospace; }
  .error { border-color: #f3c4c4; background: #fff7f7; }
  a { color: var(--accent); }
</style></head>
<body>
<header><div class="wrap"><h1>fetch-session <span>demo</span></h1>
<p>Sessions for any Web Fetch API handler.</p></div></header>
<main class="wrap">${main}
</main></body></html>`
}
