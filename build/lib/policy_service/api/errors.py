"""One place that turns every failure into the contract's error body."""

from __future__ import annotations

import logging
from decimal import InvalidOperation
from typing import Any

from flask import Flask, current_app, has_request_context, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from policy_service.engine.errors import EngineError
from policy_service.services import errors as service_errors

log = logging.getLogger(__name__)

STATUS_OF = {
    service_errors.NotFound: 404,
    service_errors.Conflict: 409,
    service_errors.Invalid: 422,
    service_errors.Unauthorized: 401,
    service_errors.Forbidden: 403,
    service_errors.Unavailable: 503,
}
CODE_OF_STATUS = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid", 503: "unavailable",
}


BROWSER_ERROR_PAGE = "policy_service.browser_error_page"
"""app.extensions key: a (status, code) -> HTML callable for pages people open (/admin)."""


def error_body(status: int, code: str, message: str, fields: Any = None,
               headers: dict[str, str] | None = None) -> ResponseReturnValue:
    """{"error": {"code", "message", "fields"}} with the status (and headers, e.g. Allow).

    Under /admin, where a person reads it, the same error is an HTML page instead.
    """
    page = current_app.extensions.get(BROWSER_ERROR_PAGE) if has_request_context() else None
    if page is not None and request.path.startswith("/admin"):
        return page(status, code), status, headers or {}
    body = jsonify({"error": {"code": code, "message": message, "fields": fields or {}}})
    return body, status, headers or {}


def http_exception_body(error: HTTPException) -> ResponseReturnValue:
    """Werkzeug/flask-smorest errors (including webargs validation) in the contract's shape."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    fields: dict[str, Any] = {}
    messages = data.get("messages") or {}
    for location_errors in messages.values():
        if isinstance(location_errors, dict):
            fields.update(location_errors)
    message = data.get("message") or error.description or error.name
    if status == 422 and fields:
        message = "invalid input: " + "; ".join(
            f"{name}: {_first(problem)}" for name, problem in fields.items()
        )
    allow = {key: value for key, value in error.get_headers() if key.lower() == "allow"}
    return error_body(status, CODE_OF_STATUS.get(status, "error"), str(message), fields, allow)


def register_error_handlers(app: Flask) -> None:
    """Service errors, database outages and anything unexpected."""

    @app.errorhandler(service_errors.ServiceError)
    def _service_error(error: service_errors.ServiceError) -> ResponseReturnValue:
        status = STATUS_OF.get(type(error), 400)
        return error_body(status, error.code, error.message, error.fields)

    def _database_error(error: Exception) -> ResponseReturnValue:
        if service_errors.database_unavailable(error):
            log.warning("database unavailable: %s", error)
            return error_body(503, "unavailable", "the database is unavailable; try again shortly")
        refusal = service_errors.database_refusal(error)
        if refusal is not None:
            log.warning("database refused the request: %s", error)
            return error_body(*refusal)
        log.exception("database error")
        return error_body(500, "internal", "internal error")

    @app.errorhandler(EngineError)
    def _engine_error(error: EngineError) -> ResponseReturnValue:
        log.exception("rule engine error")
        return error_body(503, error.code, "the rule engine could not decide; try again shortly")

    @app.errorhandler(OverflowError)
    @app.errorhandler(InvalidOperation)
    @app.errorhandler(RecursionError)
    def _out_of_range(error: Exception) -> ResponseReturnValue:
        log.warning("value out of range: %r", error)
        return error_body(422, "out_of_range", "a value is out of the range the service handles")

    for database_error in service_errors.DATABASE_ERRORS:
        app.register_error_handler(database_error, _database_error)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> ResponseReturnValue:
        if isinstance(error, HTTPException):
            return http_exception_body(error)
        log.exception("unhandled error")
        return error_body(500, "internal", "internal error")


def _first(problem: Any) -> str:
    if isinstance(problem, list) and problem:
        return _first(problem[0])
    if isinstance(problem, dict) and problem:
        key, value = next(iter(problem.items()))
        return f"{key}: {_first(value)}"
    return str(problem)
