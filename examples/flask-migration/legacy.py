"""The Flask service being migrated: login, a counter, logout; Flask's default cookie session."""

import os

from flask import Flask, jsonify, session

app = Flask(__name__)
app.secret_key = os.environ["FLASK_SECRET_KEY"]


@app.post("/login/<name>")
def login(name):
    session["user"] = name
    session["roles"] = ("reader",)  # a tuple: fetch-session sees {"$tuple": ["reader"]}
    return jsonify(user=name)


@app.get("/visits")
def visits():
    session["visits"] = session.get("visits", 0) + 1
    return jsonify(user=session.get("user"), visits=session["visits"], by="flask")


@app.post("/logout")
def logout():
    session.clear()
    return jsonify(user=None)


if __name__ == "__main__":
    from werkzeug.serving import run_simple

    run_simple("127.0.0.1", int(os.environ["PORT"]), app)
