"""Signs and opens Flask session cookies with the real Flask, for the interop tests and vectors.

One JSON request per line on stdin, one JSON answer per line on stdout. Session values travel in
fetch-session's JSON form (python_values.py). The clock is pinned by replacing the `time` that
itsdangerous reads.

  {"op": "sign", "secret_key": str, "fallbacks": [str], "timestamp": int, "data": {...}}
      -> {"token": str}
  {"op": "open", "secret_key": ..., "fallbacks": [...], "token": str, "max_age": int, "now": int}
      -> {"ok": true, "data": {...}} or {"ok": false, "error": "<exception class>"}
"""

import json
import sys
from datetime import timedelta

import itsdangerous.timed
from flask import Flask
from itsdangerous import BadSignature
from python_values import from_python, to_python


class Clock:
    now = 0

    @classmethod
    def time(cls):
        return cls.now


itsdangerous.timed.time = Clock


def serializer(request):
    app = Flask("tool")
    app.secret_key = request["secret_key"]
    signer = app.session_interface.get_signing_serializer(app)
    # Flask 2.2 has no SECRET_KEY_FALLBACKS: itsdangerous takes the keys oldest first.
    signer.secret_keys = [k.encode() for k in request.get("fallbacks", [])[::-1]] + signer.secret_keys
    return app, signer


def handle(request):
    op = request["op"]
    app, signer = serializer(request)
    with app.app_context():
        if op == "sign":
            Clock.now = request["timestamp"]
            return {"token": signer.dumps(to_python(request["data"]))}
        if op == "open":
            Clock.now = request["now"]
            app.permanent_session_lifetime = timedelta(seconds=request["max_age"])
            try:
                data = signer.loads(request["token"], max_age=request["max_age"])
            except BadSignature as error:
                return {"ok": False, "error": type(error).__name__}
            return {"ok": True, "data": from_python(data)}
    raise ValueError("unknown op " + op)


for line in sys.stdin:
    print(json.dumps(handle(json.loads(line))), flush=True)
