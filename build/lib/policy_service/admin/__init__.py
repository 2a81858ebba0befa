"""The admin UI at /admin: Flask-Admin screens over the services, behind Flask-Login.

`init_admin(app, services, tables)` is the one call the app factory makes; ``tables``
(``policy_service/admin_tables.py``) brings the session and model classes the model screens
need, so this package imports neither SQLAlchemy nor the models. Code, templates and
translations live in this package so they install with it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from flask import Blueprint, Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

import policy_service.admin.views.collections as collection_views
import policy_service.admin.views.invoices as invoice_views
import policy_service.admin.views.queues as queue_views
from policy_service.admin import auth, formatting, i18n, web
from policy_service.admin.views import (
    customer_page,
    customers,
    dashboard,
    decisions,
    lookup,
    rules,
    users,
)
from policy_service.container import Services

if TYPE_CHECKING:
    from policy_service.admin_tables import AdminTables

PACKAGE = Path(__file__).parent


def init_admin(app: Flask, services: Services, tables: AdminTables) -> Admin:
    """Attach the admin UI, its login, CSRF and i18n to `app`; model screens over `tables`."""
    app.secret_key = web.secret_key(services.settings.instance_path, services.settings.secret_key)
    # Flask defines these keys, so they are set, not defaulted.
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=services.settings.cookie_secure,
                      REMEMBER_COOKIE_HTTPONLY=True, REMEMBER_COOKIE_SAMESITE="Lax",
                      REMEMBER_COOKIE_SECURE=services.settings.cookie_secure)
    web.protect_forms(app)
    i18n.init_babel(app)
    formatting.init_formatting(app, services.settings.timezone)
    auth.init_login(app, services)
    app.register_blueprint(Blueprint("policy_admin_templates", __name__,
                                     template_folder=str(PACKAGE / "templates"),
                                     static_folder=str(PACKAGE / "static"),
                                     static_url_path="/admin/policy-static"))
    admin = Admin(
        app, name=i18n.lazy("Policy Service"), url="/admin",
        index_view=dashboard.DashboardView(services, name=i18n.lazy("Dashboard"), url="/admin"),
        theme=Bootstrap4Theme(base_template="policy/base.html", fluid=True),
        translations_path=str(PACKAGE / "translations"),
    )
    admin.add_view(auth.AuthView(services, name="auth", endpoint="auth", url="/admin/auth"))
    customers.add_views(admin, services, tables)
    decisions.add_views(admin, services, tables)
    rules.add_views(admin, services)
    lookup.add_views(admin, services)
    users.add_views(admin, services)
    customer_page.add_views(admin, services)
    queue_views.add_views(admin, services)
    invoice_views.add_views(admin, services)
    collection_views.add_views(admin, services)
    return admin
