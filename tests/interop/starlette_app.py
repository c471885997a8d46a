"""A Starlette app with SessionMiddleware, for the interop tests (served by uvicorn).

/plain/... uses Starlette's SessionMiddleware as is; /rotating/... the same middleware with an
itsdangerous key list (oldest first, newest signs), the rotation recipe of the migration guide.

  GET  <prefix>/session  -> the session as JSON
  POST <prefix>/session  JSON object: each key is set, a null value deletes the key
  POST <prefix>/clear    empties the session

Configuration comes from the environment: SESSION_SECRET_KEY, SESSION_OLD_SECRET_KEY (rotating
only) and SESSION_MAX_AGE (seconds, or "none").
"""

import os

import itsdangerous
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route, Router


class RotatingSessionMiddleware(SessionMiddleware):
    def __init__(self, app, secret_keys, **options):
        super().__init__(app, secret_key=secret_keys[-1], **options)
        self.signer = itsdangerous.TimestampSigner(secret_keys)


async def show(request):
    return JSONResponse(dict(request.session))


async def update(request):
    for key, value in (await request.json()).items():
        if value is None:
            request.session.pop(key, None)
        else:
            request.session[key] = value
    return JSONResponse(dict(request.session))


async def clear(request):
    request.session.clear()
    return JSONResponse({})


routes = [
    Route("/session", show, methods=["GET"]),
    Route("/session", update, methods=["POST"]),
    Route("/clear", clear, methods=["POST"]),
]
secret_key = os.environ["SESSION_SECRET_KEY"]
max_age_text = os.environ.get("SESSION_MAX_AGE", str(14 * 24 * 60 * 60))
options = {"max_age": None if max_age_text == "none" else int(max_age_text)}

plain = Starlette(
    routes=routes, middleware=[Middleware(SessionMiddleware, secret_key=secret_key, **options)]
)
rotating = Starlette(
    routes=routes,
    middleware=[
        Middleware(
            RotatingSessionMiddleware,
            secret_keys=[os.environ.get("SESSION_OLD_SECRET_KEY", secret_key), secret_key],
            **options,
        )
    ],
)
app = Router(routes=[Mount("/plain", app=plain), Mount("/rotating", app=rotating)])
