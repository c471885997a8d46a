"""Writes tests/vectors/flask.json and tests/vectors/django.json with the real Flask and Django.

Run from the repository root: /usr/bin/python3 tests/interop/make_vectors.py
Each vector: the secret, the pinned time, the data (fetch-session's JSON form), the token the
framework wrote and the JSON text inside it; then verdicts of the framework at chosen clocks.
"""

import json
import os
import sys
from datetime import timedelta

sys.path.insert(0, os.path.dirname(__file__))

import itsdangerous.timed  # noqa: E402
from django.conf import settings  # noqa: E402
from flask import Flask  # noqa: E402
from python_values import to_python  # noqa: E402

settings.configure(SECRET_KEY="unused", DEFAULT_HASHING_ALGORITHM="sha256")
from django.core import signing  # noqa: E402


class Clock:
    now = 0

    @classmethod
    def time(cls):
        return cls.now


itsdangerous.timed.time = Clock
signing.time = Clock
T = 1767225600
SALT = "django.contrib.sessions.backends.signed_cookies"
COMMON = [
    {},
    {"user_id": 7, "_fresh": True, "_permanent": True},
    {"name": "Zoë", "city": "東京", "emoji": "😀", "z": 1, "A": 2, "\uffff": 3, "😀": 4},
    {"f": [0.1, -0.5, 1.5e-7, 1.5e300, 1e21, 5e-324], "i": [0, -1, 9007199254740991], "n": None},
    {"cart": [{"sku": f"sku-{n}", "qty": n % 7} for n in range(40)]},
]
FLASK_ONLY = [
    {"when": {"$datetime": "2026-01-02T03:04:05Z"}, "id": {"$uuid": "12345678-1234-5678-1234-567812345678"}},
    {"pair": {"$tuple": [1, "two", {"$bytes": "AAEC/w=="}]}, "html": {"$markup": "<b>hi</b>"}},
    {"tricky": {" t": [1]}, "escaped": {"$dict": {"$uuid": "x"}}, "di": {" di": {"a": 1}}},
]


def flask_serializer(secret):
    app = Flask("vectors")
    app.secret_key = secret
    return app, app.session_interface.get_signing_serializer(app)


def flask_vectors():
    signed, verdicts = [], []
    for time in (0, 256, T):
        for data in COMMON + FLASK_ONLY:
            app, s = flask_serializer("a Flask SECRET_KEY")
            with app.app_context():
                Clock.now = time
                token = s.dumps(to_python(data))
                text = s.serializer.dumps(to_python(data))
            signed.append({"secretKey": "a Flask SECRET_KEY", "time": time, "data": data, "token": token, "json": text})
    app, s = flask_serializer("a Flask SECRET_KEY")
    with app.app_context():
        Clock.now = T
        token = s.dumps({"a": 1})
        for max_age in (0, 60):
            for offset in (-1, 0, 59, 60, 61):
                Clock.now = T + offset
                app.permanent_session_lifetime = timedelta(seconds=max_age)
                try:
                    s.loads(token, max_age=max_age)
                    verdict = "ok"
                except itsdangerous.SignatureExpired:
                    verdict = "future" if offset < 0 else "expired"
                verdicts.append({"token": token, "maxAge": max_age, "now": T + offset, "verdict": verdict})
    return {"signed": signed, "verdicts": verdicts}


def django_vectors():
    signed, verdicts = [], []
    for algorithm in ("sha256", "sha1"):
        settings.DEFAULT_HASHING_ALGORITHM = algorithm
        for time in (0, 61, T):
            for data in COMMON:
                Clock.now = time
                token = signing.dumps(data, key="a Django SECRET_KEY", salt=SALT, compress=True)
                text = signing.JSONSerializer().dumps(data).decode("latin-1")
                signed.append({"secretKey": "a Django SECRET_KEY", "algorithm": algorithm, "time": time, "data": data, "token": token, "json": text})
    settings.DEFAULT_HASHING_ALGORITHM = "sha256"
    Clock.now = T
    token = signing.dumps({"a": 1}, key="a Django SECRET_KEY", salt=SALT, compress=True)
    for max_age in (0, 60):
        for offset in (0, 0.5, 59, 60, 60.001, 61):
            Clock.now = T + offset
            try:
                signing.loads(token, key="a Django SECRET_KEY", salt=SALT, max_age=max_age)
                verdict = "ok"
            except signing.SignatureExpired:
                verdict = "expired"
            verdicts.append({"token": token, "maxAge": max_age, "now": T + offset, "verdict": verdict})
    return {"signed": signed, "verdicts": verdicts}


for name, vectors in (("flask", flask_vectors()), ("django", django_vectors())):
    with open(f"tests/vectors/{name}.json", "w", encoding="utf-8") as out:
        json.dump(vectors, out, ensure_ascii=False, indent=1)
        out.write("\n")
