"""Signs and judges JWTs with the real PyJWT 2.6, for the jwtCodec interop tests.

Reads one JSON request per line on stdin and writes one JSON answer per line on stdout, so a
single process serves every case. The clock PyJWT reads is pinned per request by replacing the
`datetime` that jwt.api_jwt imported with one whose now() returns the requested time.

  {"op": "encode", "key": secret or PEM, "alg": str, "payload": {...}, "headers": {...}?}
      -> {"token": str}
  {"op": "decode", "key": secret or PEM, "token": str, "algorithms": [str], "now": int,
   "leeway": int?, "audience": str | [str]?, "issuer": str?}
      -> {"ok": true, "payload": {...}} or {"ok": false, "error": "<exception class>"}
  {"op": "version"} -> {"version": jwt.__version__}
"""

import json
import sys
from datetime import datetime

import jwt
import jwt.api_jwt


class PinnedDatetime(datetime):
    """PyJWT 2.6 computes `now` as timegm(datetime.now(tz=timezone.utc).utctimetuple())."""

    pinned = 0

    @classmethod
    def now(cls, tz=None):
        return datetime.fromtimestamp(cls.pinned, tz=tz)


jwt.api_jwt.datetime = PinnedDatetime


def handle(request):
    op = request["op"]
    if op == "version":
        return {"version": jwt.__version__}
    if op == "encode":
        token = jwt.encode(
            request["payload"],
            request["key"],
            algorithm=request["alg"],
            headers=request.get("headers"),
        )
        return {"token": token}
    if op == "decode":
        PinnedDatetime.pinned = request["now"]
        try:
            payload = jwt.decode(
                request["token"],
                request["key"],
                algorithms=request["algorithms"],
                audience=request.get("audience"),
                issuer=request.get("issuer"),
                leeway=request.get("leeway", 0),
            )
        except jwt.PyJWTError as error:
            return {"ok": False, "error": type(error).__name__}
        return {"ok": True, "payload": payload}
    raise ValueError("unknown op " + op)


def main():
    for line in sys.stdin:
        if line.strip():
            sys.stdout.write(json.dumps(handle(json.loads(line))) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
