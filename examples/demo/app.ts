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
import { FAVICON, layout } from './layout.ts'

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

  // Why a request's token was turned down, so the page can say so.
  const rejected = new WeakMap<Request, string>()
  const handler = withSession(
    async (request: Request) => {
      const url = new URL(request.url)
      if (url.pathname === '/favicon.ico' || url.pathname === '/favicon.svg') {
        return new Response(FAVICON, {
          headers: { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=86400' },
        })
      }
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
        ended: endedNotice(rejected.get(request), devices !== undefined),
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
    {
      onInvalid: (error, request) => void rejected.set(request, error.reason),
      expiryHeader: true,
      deviceBound: options.deviceBound,
    },
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

/** What the page tells a browser whose session ended without it logging out. */
function endedNotice(reason: string | undefined, devices: boolean): string | undefined {
  if (reason === 'unknown' && devices) return 'This device was logged out from another device.'
  if (reason === 'expired' || reason === 'idle') return 'Your session expired. Log in again.'
  return undefined
}

/** What the front page shows; `demoPage` renders it (the load run renders it without a session too). */
export interface View {
  user: string | undefined
  visits: number
  notice: string | undefined
  /** Why the session ended, when it ended without a logout. */
  ended?: string | undefined
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
  ${view.ended ? `<div class="notice warn" role="status" id="ended">${escapeHtml(view.ended)}</div>` : ''}
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
      <dt>Attributes</dt><dd>${view.attributes}</dd>
      <dt>Token</dt><dd>${escapeHtml(view.codecLabel)}</dd>
      ${view.bound ? '<dt>Device</dt><dd id="bound">This session is bound to this device.</dd>' : ''}
      ${view.id ? `<dt>Server-side id</dt><dd><code class="id" id="sid">${escapeHtml(view.id)}</code></dd>` : ''}
    </dl>
    <pre id="session">${escapeHtml(preview(view.data))}</pre>
    <p class="meta">The data as this request decoded it. The cookie is HttpOnly: scripts on this page cannot read it.</p>
    ${
      view.id
        ? ''
        : `<p class="meta" id="codecs">Restart with <code>DEMO_CODEC=store npm start</code> to keep the
    data on the server and see the devices view (log in from two browsers), or
    <code>DEMO_CODEC=encrypted</code> for a token the browser cannot read.</p>`
    }
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
