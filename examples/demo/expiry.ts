/**
 * The demo's visible expiry: a countdown read from the `Session-Expires-At` header, kept fresh by a
 * passive poll (it never renews the session), and a "Stay signed in" button that does.
 */
/**
 * `GET /api/expiry` (a passive poll) and `POST /stay` (a real visit: `stay` writes the session,
 * which issues a new token and with it a new idle window); `undefined` for any other route.
 */
export function expiryRoute(
  request: Request,
  url: URL,
  expiresAt: number | undefined,
  stay: () => void,
): Response | undefined {
  if (url.pathname === '/api/expiry') return Response.json({ expiresAt: expiresAt ?? null })
  if (url.pathname !== '/stay' || request.method !== 'POST') return undefined
  stay()
  return Response.json({ stayed: true })
}

/** The countdown card, hidden until the first answer carries a deadline. */
export const expiryCard = `<section class="card" id="expiry" hidden>
    <h2>Expiry</h2>
    <p>Your session ends in <strong id="countdown">…</strong> unless you stay active.</p>
    <div class="row"><button type="button" id="stay">Stay signed in</button></div>
    <p class="meta">Read from the <code>Session-Expires-At</code> header. The check every 10 seconds
    sends <code>Session-Passive</code>, so it never keeps you signed in; the button does.</p>
  </section>
  <script type="module">
    const card = document.getElementById('expiry')
    const out = document.getElementById('countdown')
    let deadline
    const tick = () => {
      if (deadline === undefined) return
      const left = Math.max(0, Math.round((deadline - Date.now()) / 1000))
      out.textContent = Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0')
    }
    const show = (response) => {
      const value = response.headers.get('session-expires-at')
      if (value === null) return
      deadline = Number(value)
      card.dataset.expiresAt = value
      card.hidden = false
      tick()
    }
    const poll = () => fetch('/api/expiry', { headers: { 'Session-Passive': '1' } }).then(show)
    document.getElementById('stay').addEventListener('click', () =>
      fetch('/stay', { method: 'POST' }).then(show).then(poll))
    window.pollExpiry = poll
    poll()
    setInterval(poll, 10_000)
    setInterval(tick, 1_000)
  </script>`
