"""A real Flask app with Flask's default cookie session, for the interop tests and the example.

Env: SECRET_KEY, PORT. GET /session answers the session (values in fetch-session's JSON form,
python_values.py); POST /session merges a JSON body into it (null deletes a key); POST /clear
empties it. Served by werkzeug's own server, the one Flask ships.
"""

import os

from flask import Flask, jsonify, request, session
from python_values import from_python, to_python

app = Flask(__name__)
app.secret_key = os.environ["SECRET_KEY"]


@app.get("/session")
def show():
    return jsonify(from_python(dict(session)))


@app.post("/session")
def change():
    for key, value in (request.get_json() or {}).items():
        if value is None:
            session.pop(key, None)
        else:
            session[key] = to_python(value)
    return jsonify(from_python(dict(session)))


@app.post("/clear")
def clear():
    session.clear()
    return jsonify({})


if __name__ == "__main__":
    from werkzeug.serving import run_simple

    run_simple("127.0.0.1", int(os.environ["PORT"]), app)
