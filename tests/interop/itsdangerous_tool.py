"""Signs and unsigns Starlette session cookies with the real itsdangerous, for the interop tests.

Reads one JSON request per line on stdin and writes one JSON answer per line on stdout, so a
single process serves every case. Each operation does exactly what Starlette 0.26's
SessionMiddleware does, with the clock pinned:

  {"op": "sign", "secret_key": str | [oldest, ..., newest], "timestamp": int, "data": "<json>"}
      -> {"token": str}
  {"op": "unsign", "secret_key": ..., "token": str, "max_age": int | null, "now": int}
      -> {"ok": true, "data": {...}} or {"ok": false, "error": "<exception class>"}
  {"op": "dumps", "data": "<json>"} -> {"text": json.dumps(json.loads(data))}
  {"op": "float_repr", "values": ["0.1", ...]} -> {"reprs": [repr(float(v)), ...]}
"""

import json
import sys
from base64 import b64decode, b64encode

import itsdangerous
from itsdangerous.exc import BadSignature


class PinnedSigner(itsdangerous.TimestampSigner):
    def __init__(self, secret_key, timestamp):
        super().__init__(secret_key)
        self.timestamp = timestamp

    def get_timestamp(self):
        return self.timestamp


def handle(request):
    op = request["op"]
    if op == "sign":
        signer = PinnedSigner(request["secret_key"], request["timestamp"])
        data = b64encode(json.dumps(json.loads(request["data"])).encode("utf-8"))
        return {"token": signer.sign(data).decode("utf-8")}
    if op == "unsign":
        signer = PinnedSigner(request["secret_key"], request["now"])
        try:
            data = signer.unsign(request["token"].encode("utf-8"), max_age=request["max_age"])
        except BadSignature as error:
            return {"ok": False, "error": type(error).__name__}
        try:
            return {"ok": True, "data": json.loads(b64decode(data))}
        except Exception as error:  # Starlette itself would answer 500 here
            return {"ok": False, "error": "crash:" + type(error).__name__}
    if op == "dumps":
        return {"text": json.dumps(json.loads(request["data"]))}
    if op == "float_repr":
        return {"reprs": [repr(float(value)) for value in request["values"]]}
    raise ValueError("unknown op " + op)


for line in sys.stdin:
    print(json.dumps(handle(json.loads(line))), flush=True)
