"""Path and query parameters in bounds, for every route of the app (API and admin).

Ids in paths are 1–64 characters with no slash, control character, bidi override or
zero-width character (anything else does not match the route: 404); integer path
parameters fit a 32-bit column (a larger one is 404, not a database overflow); a NUL in
a query string is 400. The OpenAPI document shows the bounds (maxLength, maximum).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from werkzeug.exceptions import BadRequest, NotFound
from werkzeug.routing import IntegerConverter, Map, UnicodeConverter

from policy_service.domain.bounds import MAX_ID_LENGTH, REFUSED_ID_CHARACTERS

MAX_INT = 2**31 - 1


class IdConverter(UnicodeConverter):
    """One path segment of 1–64 printable characters."""

    def __init__(self, map: Map, minlength: int = 1, maxlength: int = MAX_ID_LENGTH) -> None:
        super().__init__(map, minlength=minlength, maxlength=min(maxlength, MAX_ID_LENGTH))
        self.regex = f"[^/{REFUSED_ID_CHARACTERS}]{{{minlength},{min(maxlength, MAX_ID_LENGTH)}}}"


class OutOfRange(int):
    """An integer path parameter past its bound: the route matches, the request is a 404."""


class BoundedIntConverter(IntegerConverter):
    """A non-negative integer that fits a 32-bit column.

    A larger one still matches its route and is refused with 404 before the view runs:
    refusing it in the converter would let werkzeug answer 405 (with a false Allow) when
    another route of the same shape takes other methods.
    """

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = MAX_INT, signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, MAX_INT if max is None else max, signed)

    def to_python(self, value: str) -> Any:
        """The integer, or OutOfRange past the bound (even past Python's digit limit)."""
        bound = MAX_INT if self.max is None else self.max
        if len(value) > len(str(bound)) or int(value) > bound:
            return OutOfRange(bound + 1)
        return super().to_python(value)


def bound_parameters(app: Flask) -> None:
    """Install the converters (before any route is added) and the query-string check."""
    app.url_map.converters.update(default=IdConverter, string=IdConverter,
                                  int=BoundedIntConverter)

    @app.url_value_preprocessor
    def _refuse_out_of_range(endpoint: str | None, values: dict[str, Any] | None) -> None:
        if any(isinstance(value, OutOfRange) for value in (values or {}).values()):
            raise NotFound("no such resource: an id past the range the service stores")

    @app.before_request
    def _refuse_nul_in_query() -> None:
        if any("\x00" in key or "\x00" in value for key, value in request.args.items(True)):
            raise BadRequest("the query string holds a NUL character")
