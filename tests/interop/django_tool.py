"""Signs and opens Django signed_cookies sessions with the real Django, for the tests and vectors.

One JSON request per line on stdin, one JSON answer per line on stdout. Each operation does what
django.contrib.sessions.backends.signed_cookies does (signing.dumps with compress=True and the
JSON serializer), with the clock pinned by replacing the `time` that django.core.signing reads.

  {"op": "sign", "secret_key": str, "algorithm": "sha256" | "sha1", "timestamp": int,
   "data": {...}, "salt"?: str} -> {"token": str}
  {"op": "open", "secret_key": str, "token": str, "max_age": int, "now": float, "salt"?: str}
      -> {"ok": true, "data": {...}} or {"ok": false, "error": "<exception class>"}
"""

import json
import sys

from django.conf import settings

settings.configure(SECRET_KEY="unused", DEFAULT_HASHING_ALGORITHM="sha256")

from django.core import signing  # noqa: E402

SALT = "django.contrib.sessions.backends.signed_cookies"


class Clock:
    now = 0

    @classmethod
    def time(cls):
        return cls.now


signing.time = Clock


def handle(request):
    op = request["op"]
    salt = request.get("salt", SALT)
    if op == "sign":
        Clock.now = request["timestamp"]
        settings.DEFAULT_HASHING_ALGORITHM = request.get("algorithm", "sha256")
        token = signing.dumps(
            request["data"],
            key=request["secret_key"],
            salt=salt,
            serializer=signing.JSONSerializer,
            compress=True,
        )
        return {"token": token}
    if op == "open":
        Clock.now = request["now"]
        settings.DEFAULT_HASHING_ALGORITHM = "sha256"
        try:
            data = signing.loads(
                request["token"],
                key=request["secret_key"],
                salt=salt,
                serializer=signing.JSONSerializer,
                max_age=request["max_age"],
            )
        except signing.BadSignature as error:
            return {"ok": False, "error": type(error).__name__}
        except Exception as error:  # the session engine would answer an empty session
            return {"ok": False, "error": "crash:" + type(error).__name__}
        return {"ok": True, "data": data}
    raise ValueError("unknown op " + op)


for line in sys.stdin:
    print(json.dumps(handle(json.loads(line))), flush=True)
