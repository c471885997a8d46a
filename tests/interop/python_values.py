"""fetch-session's JSON form of Python session values, both ways, written independently of the TS.

{"$tuple": [...]} tuple, {"$bytes": base64} bytes, {"$datetime": ISO 8601 UTC} aware datetime,
{"$uuid": str} UUID, {"$markup": str} Markup, {"$dict": {...}} a dict whose one key is one of these.
"""

import base64
import datetime
import uuid

from markupsafe import Markup

NAMES = {"$tuple", "$bytes", "$datetime", "$uuid", "$markup", "$dict"}


def to_python(value):
    if isinstance(value, list):
        return [to_python(item) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        (key, inner), = value.items()
        if key == "$tuple":
            return tuple(to_python(item) for item in inner)
        if key == "$bytes":
            return base64.b64decode(inner)
        if key == "$datetime":
            return datetime.datetime.fromisoformat(inner.replace("Z", "+00:00"))
        if key == "$uuid":
            return uuid.UUID(inner)
        if key == "$markup":
            return Markup(inner)
        if key == "$dict":
            return {k: to_python(v) for k, v in inner.items()}
    return {k: to_python(v) for k, v in value.items()}


def from_python(value):
    if isinstance(value, tuple):
        return {"$tuple": [from_python(item) for item in value]}
    if isinstance(value, list):
        return [from_python(item) for item in value]
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    if isinstance(value, datetime.datetime):
        utc = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return {"$datetime": utc.isoformat(timespec="seconds") + "Z"}
    if isinstance(value, uuid.UUID):
        return {"$uuid": str(value)}
    if isinstance(value, Markup):
        return {"$markup": str(value)}
    if isinstance(value, dict):
        out = {k: from_python(v) for k, v in value.items()}
        return {"$dict": out} if len(out) == 1 and next(iter(out)) in NAMES else out
    return value
