"""The Flask application factory: the v1 API (api/) and the admin UI (admin/) over one container."""

from __future__ import annotations

from typing import Any

from flask import Flask

from policy_service.admin import init_admin
from policy_service.admin.errors import error_page
from policy_service.admin_tables import admin_tables
from policy_service.api.errors import BROWSER_ERROR_PAGE
from policy_service.api.wiring import API_CONFIG, init_api
from policy_service.config import Settings
from policy_service.container import Services


def create_app(
    settings: Settings | None = None, *, app_services: Services | None = None,
    bootstrap: bool = True, test_config: dict[str, Any] | None = None,
) -> Flask:
    """Build the app; by default migrate and seed so a fresh database just works."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(API_CONFIG)
    app.config.update(test_config or {})
    app_services = app_services or Services.build(settings or Settings.from_env())
    if bootstrap:
        app_services.bootstrap()
    app.extensions["policy_service"] = app_services
    init_api(app)
    init_admin(app, app_services, admin_tables(app, app_services))
    app.extensions[BROWSER_ERROR_PAGE] = error_page  # people under /admin get HTML
    return app
