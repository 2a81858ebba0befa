"""What /openapi.json says beyond the schemas: the real error body, field bounds, operations.

flask-smorest documents errors with its own `{code, status, message, errors}` body; the
service answers `{"error": {"code", "message", "fields"}}` (errors.py), so every error
status is documented here with that body: 401/403 on every authenticated operation,
404 where a path names a resource or a body refers to one, 409 on writes, 413/415 on
bodies, 400/422/503 everywhere. Money, ids, dates and currencies carry the bounds the
fields enforce (pattern, length, enum), so a schema-valid request is refused only for a
business reason. The operations blueprint (/healthz, /readyz, /metrics) is plain Flask and
is added by hand.
"""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from flask import Flask
from marshmallow import Schema, fields

from policy_service.api.fields import BusinessDate, Currency, MoneyString
from policy_service.api.paths import IdConverter
from policy_service.domain.bounds import MAX_ID_LENGTH, REFUSED_ID_CHARACTERS
from policy_service.domain.money import SUPPORTED_CURRENCIES

# The syntax parse_amount reads; the size and the minor unit are business checks (422).
MONEY_IN_PATTERN = r"^[0-9]{1,15}(\.[0-9]{1,15})?$"
# What to_wire writes: two decimals, negative for e.g. available credit past the limit.
MONEY_OUT_PATTERN = r"^-?[0-9]+\.[0-9]{2}$"
PATH_ID_PATTERN = f"^[^/{REFUSED_ID_CHARACTERS}]{{1,{MAX_ID_LENGTH}}}$"
# 1970-01-01 .. 2199-12-31 (bounds.EARLIEST_DATE / LATEST_DATE); format: date does the rest.
DATE_PATTERN = r"^(19[7-9][0-9]|2[01][0-9]{2})-[0-9]{2}-[0-9]{2}$"

NO_NUL_PATTERN = r"^[^\x00]*$"

REASONS = {
    400: "Bad request: malformed or non-strict JSON, a NUL in the query string",
    401: "Missing, unknown or revoked API key",
    403: "The key's role may not do this",
    404: "Not found: the resource in the path, or one the body refers to",
    409: "Conflict with the current state (e.g. an id reused with other data)",
    413: "Request body over 1 MB",
    415: "A body not sent as application/json",
    422: "Invalid input, located in fields; or a value out of the range the service handles",
    503: "The database or the rule engine is unavailable; try again shortly",
}
WRITES = ("post", "put", "patch", "delete")


class ErrorDetail(Schema):
    code = fields.String(required=True, metadata={"description": "stable, e.g. invalid"})
    message = fields.String(required=True)
    fields_ = fields.Dict(required=True, data_key="fields",
                          metadata={"description": "field name -> problems"})


class Error(Schema):
    """The contract's error body."""

    error = fields.Nested(ErrorDetail, required=True)


def field_bounds(self: Any, field: fields.Field, **kwargs: Any) -> dict[str, Any]:
    """apispec attribute function: the bounds of the contract's own fields."""
    if isinstance(field, MoneyString):
        output = type(field.root).__name__.endswith("Out")
        return {"pattern": MONEY_OUT_PATTERN if output else MONEY_IN_PATTERN}
    if isinstance(field, Currency):
        return {"enum": sorted(SUPPORTED_CURRENCIES)}
    if isinstance(field, BusinessDate):
        return {"pattern": DATE_PATTERN}
    if (isinstance(field, fields.String) and not field.metadata.get("pattern")
            and not type(field.root).__name__.endswith("Out")):
        return {"pattern": NO_NUL_PATTERN}  # json_body and paths refuse NUL with 400
    return {}


def path_id(converter: IdConverter) -> dict[str, Any]:
    """A path id: what IdConverter matches (anything else is a 404)."""
    return {"type": "string", "minLength": 1, "maxLength": MAX_ID_LENGTH,
            "pattern": PATH_ID_PATTERN}


def document_errors(spec: APISpec) -> None:
    """Give every operation its error statuses, each with the contract's error body."""
    if "Error" not in spec.components.schemas:
        spec.components.schema("Error", schema=Error)
    for path, operations in spec._paths.items():
        if not path.startswith("/v1/"):
            continue  # the operations endpoints document their own answers
        for method, operation in operations.items():
            if method not in (*WRITES, "get"):
                continue
            responses = operation.setdefault("responses", {})
            responses.pop("default", None)
            for status in _error_statuses(path, method, operation):
                responses.setdefault(str(status), {
                    "description": REASONS[status],
                    "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Error"}}},
                })
            operation["responses"] = dict(sorted(responses.items()))


def _error_statuses(path: str, method: str, operation: dict[str, Any]) -> list[int]:
    body = "requestBody" in operation
    statuses = [400, 401, 403, 422, 503]
    if "{" in path or body:
        statuses.append(404)
    if method in WRITES:
        statuses.append(409)
    if body:
        statuses += [413, 415]
    return sorted(statuses)


def document_operations(spec: APISpec, app: Flask) -> None:
    """/healthz, /readyz and /metrics: unauthenticated, outside the v1 blueprints."""
    none: list[dict[str, list[str]]] = []
    status = {"type": "object", "required": ["status"],
              "properties": {"status": {"type": "string", "enum": ["ok"]}}}
    ready = {"type": "object", "required": ["status", "rulesets", "problems"], "properties": {
        "status": {"type": "string", "enum": ["ok", "unavailable"]},
        "rulesets": {"type": "object", "additionalProperties": {"type": "integer"},
                     "description": "rule set -> loaded version"},
        "problems": {"type": "object", "additionalProperties": {},
                     "description": "rule set -> what keeps it from loading"}}}

    rules = {rule.rule: rule for rule in app.url_map.iter_rules()}

    def json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
        return {"description": description,
                "content": {"application/json": {"schema": schema}}}

    spec.path(rule=rules["/healthz"], operations={"get": {
        "tags": ["operations"], "summary": "The process is up.", "security": none,
        "responses": {"200": json("Alive", status)}}})
    spec.path(rule=rules["/readyz"], operations={"get": {
        "tags": ["operations"], "security": none,
        "summary": "Ready when the database answers and every published rule set is loaded.",
        "responses": {"200": json("Ready", ready), "503": json("Not ready", ready)}}})
    spec.path(rule=rules["/metrics"], operations={"get": {
        "tags": ["operations"], "summary": "Prometheus text exposition.", "security": none,
        "responses": {"200": {"description": "Metrics", "content": {
            "text/plain": {"schema": {"type": "string"}}}}}}})
