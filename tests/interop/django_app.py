"""A real Django project in one file: the signed_cookies session engine, for the interop tests.

Env: SECRET_KEY, PORT. GET /session answers the session; POST /session merges a JSON body into
it (null deletes a key); POST /clear flushes it. Served by Django's own `runserver`.
"""

import json
import os
import sys

from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY=os.environ["SECRET_KEY"],
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=["django.contrib.sessions"],
    MIDDLEWARE=["django.contrib.sessions.middleware.SessionMiddleware"],
    SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies",
)

from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402


def show(request):
    if request.method == "POST":
        for key, value in json.loads(request.body or b"{}").items():
            if value is None:
                request.session.pop(key, None)
            else:
                request.session[key] = value
    return JsonResponse(dict(request.session.items()))


def clear(request):
    request.session.flush()
    return JsonResponse({})


urlpatterns = [path("session", show), path("clear", clear)]

if __name__ == "__main__":
    from django.core.management import execute_from_command_line

    execute_from_command_line(
        [sys.argv[0], "runserver", "--noreload", "--nothreading", f"127.0.0.1:{os.environ['PORT']}"]
    )
