"""The Python service being migrated: a Starlette app with SessionMiddleware.

Everything outside /v2/ is still served here; serve.ts routes /v2/ to the fetch-session service.
Both read and write the same `session` cookie, signed with the same SESSION_SECRET_KEY.

  GET  /             a page: who is logged in, the cart the TypeScript side fills
  POST /login        form field `user`: logs in
  POST /logout       empties the session
  GET  /api/session  the session as JSON
"""

import html
import json
import os

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse
from starlette.routing import Route


async def home(request):
    user = request.session.get("user")
    cart = request.session.get("cart", [])
    if user:
        account = f"""<p>Logged in as <strong id="user">{html.escape(user)}</strong>.
        Your cart has {len(cart)} item(s).</p>
        <form method="post" action="/logout"><button>Log out</button></form>"""
    else:
        account = """<form method="post" action="/login">
        <label>Your name <input name="user" required maxlength="40"></label>
        <button>Log in</button></form>"""
    session = html.escape(json.dumps(dict(request.session), indent=2, ensure_ascii=False))
    return HTMLResponse(
        f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Legacy shop (Starlette)</title>
<style>body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto;
padding: 0 1rem; }} pre {{ background: #f2f3f5; padding: 1rem; border-radius: 8px; }}</style>
</head><body>
<h1>Legacy shop <small>served by Python (Starlette)</small></h1>
{account}
<p><a href="/v2/">The new shop, served by TypeScript (fetch-session) &rarr;</a></p>
<h2>The shared session</h2><pre id="session">{session}</pre>
</body></html>"""
    )


async def login(request):
    user = str((await request.form()).get("user", "")).strip()[:40]
    if user:
        request.session["user"] = user
    return RedirectResponse("/", status_code=303)


async def logout(request):
    request.session.clear()
    return RedirectResponse("/", status_code=303)


async def show(request):
    return JSONResponse(dict(request.session))


app = Starlette(
    routes=[
        Route("/", home),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/api/session", show),
    ],
    middleware=[
        # The settings serve.ts gives fetch-session too: same key, cookie name, max_age, path,
        # same_site; https_only=False because the example runs on plain http.
        Middleware(
            SessionMiddleware,
            secret_key=os.environ["SESSION_SECRET_KEY"],
            session_cookie="session",
            max_age=14 * 24 * 60 * 60,
            same_site="lax",
            https_only=False,
        )
    ],
)
