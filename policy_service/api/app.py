"""The Flask application factory: the v1 JSON API, its OpenAPI document and operations."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from policy_service.admin import init_admin
from policy_service.api import (
    clock,
    credit_checks,
    customers,
    json_body,
    ops,
    paths,
    receivables,
    receivables_day,
    rule_lifecycle,
    rulesets,
)
from policy_service.api.errors import http_exception_body, register_error_handlers
from policy_service.api.fields import Currency, MoneyString
from policy_service.config import Settings
from policy_service.container import Services


class ContractApi(Api):
    """flask-smorest's Api with errors in the contract's body."""

    def handle_http_exception(self, error: HTTPException) -> Any:
        """Every HTTP error, including request validation, as {"error": {...}}."""
        return http_exception_body(error)


def create_app(
    settings: Settings | None = None, *, app_services: Services | None = None,
    bootstrap: bool = True, test_config: dict[str, Any] | None = None,
) -> Flask:
    """Build the app; by default migrate and seed so a fresh database just works."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(
        API_TITLE="policy-service",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        JSON_SORT_KEYS=False,
        MAX_CONTENT_LENGTH=json_body.MAX_BODY_BYTES,
    )
    app.config.update(test_config or {})
    paths.bound_parameters(app)
    app_services = app_services or Services.build(settings or Settings.from_env())
    if bootstrap:
        app_services.bootstrap()
    app.extensions["policy_service"] = app_services

    api = ContractApi(app, spec_kwargs={
        "info": {"description": "Credit policy service: may we ship this order on credit?"},
    })
    api.register_field(MoneyString, "string", "decimal")
    api.register_field(Currency, "string", None)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "API key"}
    )
    api.spec.options["security"] = [{"bearerAuth": []}]
    for blueprint in (customers.blp, receivables.blp, credit_checks.blp, rulesets.blp,
                      rule_lifecycle.blp, receivables_day.blp, clock.blp):
        api.register_blueprint(blueprint)
    app.register_blueprint(ops.blp)
    register_error_handlers(app)
    init_admin(app, app_services)
    return app
