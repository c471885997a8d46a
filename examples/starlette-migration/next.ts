/**
 * The fetch-session service that takes over /v2/ from the Starlette app in ./legacy.py. It reads
 * and writes the same `session` cookie: starletteCodec with Starlette's secret_key and max_age,
 * and a cookie with SessionMiddleware's name, path, SameSite and (on plain http) no Secure.
 *
 *   GET  /v2/             a page: who is logged in (maybe by the Python side), and the cart
 *   POST /v2/cart         form field `item`: adds it to the cart
 *   POST /v2/login        form field `user`: logs in here instead
 *   POST /v2/logout       empties the session, for both services
 *   GET  /v2/api/session  the session as JSON
 */
import { cookie, getSession, starletteCodec, withSession } from '../../src/index.ts'

interface ShopSession {
  user?: string
  cart?: string[]
}

/**
 * The /v2/ handler, given the Python service's secret_key.
 *
 * @example
 * serve({ fetch: nextApp(process.env.SESSION_SECRET_KEY!), port: 8000 })
 */
export function nextApp(secretKey: string): (request: Request) => Promise<Response> {
  return withSession(
    async (request: Request) => {
      const url = new URL(request.url)
      const session = await getSession<ShopSession>(request)
      const form = request.method === 'POST' ? await request.formData() : undefined

      switch (`${request.method} ${url.pathname}`) {
        case 'GET /v2/api/session':
          return Response.json(session.toJSON())
        case 'POST /v2/cart': {
          const item = String(form?.get('item') ?? '')
            .trim()
            .slice(0, 40)
          if (item) session.set('cart', [...(session.get('cart') ?? []), item])
          return redirect(url, '/v2/')
        }
        case 'POST /v2/login': {
          const user = String(form?.get('user') ?? '')
            .trim()
            .slice(0, 40)
          if (user) {
            session.regenerate()
            session.set('user', user)
          }
          return redirect(url, '/v2/')
        }
        case 'POST /v2/logout':
          session.destroy()
          return redirect(url, '/')
        case 'GET /v2':
          return redirect(url, '/v2/')
        case 'GET /v2/':
          return new Response(page(session.toJSON()), {
            headers: { 'content-type': 'text/html; charset=utf-8' },
          })
        default:
          return new Response('Not found', { status: 404 })
      }
    },
    {
      codec: starletteCodec({ secretKey, maxAge: 14 * 24 * 60 * 60 }),
      ...cookie({ name: 'session', path: '/', sameSite: 'lax', secure: false }),
    },
  )
}

function redirect(url: URL, path: string): Response {
  return new Response(null, { status: 303, headers: { location: new URL(path, url).href } })
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function page(data: ShopSession): string {
  const items = (data.cart ?? []).map((item) => `<li>${escapeHtml(item)}</li>`).join('')
  const account = data.user
    ? `<p>Logged in as <strong id="user">${escapeHtml(data.user)}</strong>.</p>
       <form method="post" action="/v2/logout"><button>Log out</button></form>`
    : `<form method="post" action="/v2/login">
       <label>Your name <input name="user" required maxlength="40"></label> <button>Log in</button>
       </form>`
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>New shop (fetch-session)</title>
<style>body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto;
padding: 0 1rem; } pre { background: #f2f3f5; padding: 1rem; border-radius: 8px; }</style>
</head><body>
<h1>New shop <small>served by TypeScript (fetch-session)</small></h1>
${account}
<h2>Cart</h2><ul id="cart">${items || '<li>empty</li>'}</ul>
<form method="post" action="/v2/cart"><input name="item" required maxlength="40">
<button>Add to cart</button></form>
<p><a href="/">&larr; The legacy shop, served by Python (Starlette)</a></p>
<h2>The shared session</h2><pre id="session">${escapeHtml(JSON.stringify(data, null, 2))}</pre>
</body></html>`
}
