/**
 * The demo's "your devices" card: each live session of the signed-in user (storeCodec's `index`)
 * with a "log out" button per other device and a "log out the other devices" button.
 */
import type { SessionData, StoreCodec } from '../../src/index.ts'

/** The demo's index: sessions by `user`, each described by the browser that logged in. */
export function demoIndex(
  data: SessionData,
): { user: string; info: { agent: string } } | undefined {
  return typeof data.user === 'string'
    ? { user: data.user, info: { agent: String(data.agent ?? 'unknown browser') } }
    : undefined
}

/** A short name for a User-Agent header, kept in the session at login. */
export function agentOf(request: Request): string {
  const ua = request.headers.get('user-agent') ?? ''
  const browser = /(Edg|Chrome|Firefox|Safari)\/[\d.]+/.exec(ua)?.[1] ?? 'A browser'
  const system = /(Windows|Mac OS X|Android|iPhone|Linux)/.exec(ua)?.[1] ?? 'an unknown system'
  return `${browser === 'Edg' ? 'Edge' : browser} on ${system}`
}

/** The card's HTML; `escape` is the page's HTML escaper. */
export async function devicesCard(
  codec: StoreCodec,
  user: string,
  current: string | undefined,
  escapeHtml: (text: string) => string,
): Promise<string> {
  const sessions = await codec.listSessions(user, { current })
  const items = sessions
    .map((session) => {
      const seen = new Date(session.lastSeen * 1000).toISOString().slice(0, 16).replace('T', ' ')
      const agent = escapeHtml(String(session.info?.agent ?? 'unknown browser'))
      return `<li class="device${session.current ? ' current' : ''}" data-handle="${escapeHtml(session.handle)}">
        ${agent}${session.current ? ' <strong>(this device)</strong>' : ''}
        <span class="meta">last seen ${seen} UTC</span>${
          session.current
            ? ''
            : `<form method="post" action="/logout-device"><input type="hidden" name="handle" value="${escapeHtml(session.handle)}"><button class="quiet" type="submit">Log out</button></form>`
        }</li>`
    })
    .join('')
  const others = sessions.length > 1
  return `<section class="card">
    <h2>Your devices</h2>
    <ul id="devices">${items}</ul>
    ${
      others
        ? '<form method="post" action="/logout-others"><button class="quiet" type="submit">Log out the other devices</button></form>'
        : '<p class="meta">Signed in on this device only.</p>'
    }
  </section>`
}
