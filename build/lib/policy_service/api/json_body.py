"""Request bodies as the contract reads them: strict JSON, bounded, one value per key.

Refused with 400 and the contract's body: a body that is not UTF-8 or not JSON, an object
that names a key twice (no silent "last one wins"), nesting deeper than 32 levels, a
number longer than 40 characters, and strings holding NUL or a lone surrogate (which no
database column can store). A JSON body sent under another content type is 415; a body
over 1 MB is 413 (Flask's MAX_CONTENT_LENGTH, set by the app factory).
"""

from __future__ import annotations

import json
from typing import Any

import flask
import flask_smorest
from flask_smorest import abort
from marshmallow import RAISE
from webargs import core
from webargs.flaskparser import FlaskParser

MAX_BODY_BYTES = 1024 * 1024
MAX_DEPTH = 32
MAX_NUMBER_CHARS = 40


class BodyError(ValueError):
    """A body the contract does not read."""


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise BodyError(f"the key {key[:64]!r} appears twice in one object")
        seen[key] = value
    return seen


def _number(kind: type[int] | type[float]) -> Any:
    def parse(text: str) -> int | float:
        if len(text) > MAX_NUMBER_CHARS:
            raise BodyError(f"a number longer than {MAX_NUMBER_CHARS} characters")
        return kind(text)
    return parse


def _constant(name: str) -> Any:
    raise BodyError(f"{name} is not JSON")


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise BodyError("a string holds a NUL character")
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        raise BodyError("a string holds a lone surrogate (not a Unicode character)")


def _check(value: Any, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise BodyError(f"JSON nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        _check_text(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check(item, depth + 1)


def loads(data: bytes) -> Any:
    """The body's JSON value, or BodyError saying what is wrong with it."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BodyError("the body is not UTF-8") from exc
    try:
        value = json.loads(text, object_pairs_hook=_object, parse_int=_number(int),
                           parse_float=_number(float), parse_constant=_constant)
    except RecursionError as exc:
        raise BodyError(f"JSON nested deeper than {MAX_DEPTH} levels") from exc
    except json.JSONDecodeError as exc:
        raise BodyError(f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
                        ) from exc
    _check(value, 0)
    return value


class StrictJsonParser(FlaskParser):
    """webargs' Flask parser reading bodies with `loads`; an unknown query parameter is 422."""

    DEFAULT_UNKNOWN_BY_LOCATION: dict[str, str | None] = {  # noqa: RUF012 - webargs' own
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": RAISE, "querystring": RAISE}

    def _raw_load_json(self, req: flask.Request) -> Any:
        data = req.get_data(cache=True)
        if not core.is_json(req.mimetype):
            if data.strip():
                abort(415, message="send the body as application/json")
            return core.missing
        try:
            return loads(data)
        except BodyError as exc:
            abort(400, message=str(exc))


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint with the strict body parser."""

    ARGUMENTS_PARSER = StrictJsonParser()
