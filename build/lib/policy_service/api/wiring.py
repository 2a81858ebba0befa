"""The v1 JSON API's wiring: flask-smorest, its OpenAPI document, blueprints and error bodies."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from policy_service.api import (
    clock,
    collections,
    credit_checks,
    customer_lists,
    customers,
    escalations,
    json_body,
    openapi,
    ops,
    paths,
    receivables,
    receivables_day,
    reports,
    rule_lifecycle,
    rulesets,
    statements,
    worklist,
)
from policy_service.api.errors import http_exception_body, register_error_handlers
from policy_service.api.fields import Currency, MoneyString

API_CONFIG = {
    "API_TITLE": "policy-service",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/",
    "OPENAPI_JSON_PATH": "openapi.json",
    "JSON_SORT_KEYS": False,
    "MAX_CONTENT_LENGTH": json_body.MAX_BODY_BYTES,
}


class ContractApi(Api):
    """flask-smorest's Api with errors in the contract's body (documented by openapi.py)."""

    ERROR_SCHEMA = openapi.Error
    DEFAULT_ERROR_RESPONSE_NAME = None

    def handle_http_exception(self, error: HTTPException) -> Any:
        """Every HTTP error, including request validation, as {"error": {...}}."""
        return http_exception_body(error)


def init_api(app: Flask) -> ContractApi:
    """Register the v1 blueprints, the OpenAPI document, operations and error handlers."""
    paths.bound_parameters(app)
    api = ContractApi(app, spec_kwargs={
        "info": {"description": "Credit policy service: may we ship this order on credit?"},
    })
    api.register_field(MoneyString, "string", None)
    api.register_field(Currency, "string", None)
    api.ma_plugin.converter.add_attribute_function(openapi.field_bounds)
    api.register_converter(paths.IdConverter, openapi.path_id)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "API key"}
    )
    api.spec.options["security"] = [{"bearerAuth": []}]
    for blueprint in (customers.blp, receivables.blp, credit_checks.blp, rulesets.blp,
                      rule_lifecycle.blp, receivables_day.blp, clock.blp, customer_lists.blp,
                      escalations.blp, statements.blp, reports.blp, collections.blp,
                      worklist.blp):
        api.register_blueprint(blueprint)
    app.register_blueprint(ops.blp)
    openapi.document_operations(api.spec, app)
    openapi.document_errors(api.spec)
    register_error_handlers(app)
    return api
