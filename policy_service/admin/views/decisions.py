"""Decisions (read-only, filterable, CSV); the held-orders screen is in ``held``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_admin import Admin
from markupsafe import Markup, escape

from policy_service.admin import auth
from policy_service.admin.formatting import money_column, time_column
from policy_service.admin.i18n import _, lazy, pick
from policy_service.admin.views.base import ReadOnlyModelView
from policy_service.container import Services

if TYPE_CHECKING:
    from policy_service.admin_tables import AdminTables

DECIDERS = (auth.RISK,)


def _code(_view: Any, _context: Any, model: Any, name: str) -> str:
    return _(str(getattr(model, name) or ""))


def _reasons(_view: Any, _context: Any, model: Any, _name: str) -> Markup:
    return Markup("<br>").join(escape(f"{r.get('code')}: {pick(r.get('message'))}")
                               for r in model.reasons or [])


class DecisionView(ReadOnlyModelView):
    """Every credit check: filters, details with reasons and the explanation, CSV export."""

    column_list = ("decided_at", "order_id", "customer_id", "amount", "currency", "outcome",
                   "status", "ruleset_version", "reasons")
    column_labels = {"decided_at": lazy("Decided at"), "order_id": lazy("Order"),  # noqa: RUF012
                     "customer_id": lazy("Customer"), "amount": lazy("Amount"),
                     "outcome": lazy("Outcome"), "status": lazy("Status"),
                     "ruleset_version": lazy("Rule set version"), "reasons": lazy("Reasons"),
                     "currency": lazy("Currency")}
    column_searchable_list = ("order_id", "customer_id")
    column_default_sort = ("decided_at", True)
    column_formatters = {"reasons": _reasons, "amount": money_column(),  # noqa: RUF012
                         "decided_at": time_column, "outcome": _code, "status": _code}
    column_export_list = ("decision_id", "decided_at", "order_id", "customer_id", "amount",
                          "currency", "outcome", "status", "ruleset_name", "ruleset_version",
                          "matched_rules", "reserved_amount", "exposure_before",
                          "available_after")
    column_formatters_export = {"matched_rules": lambda v, c, m, n: " ".join(  # noqa: RUF012
        m.matched_rules or [])}
    details_template = "policy/decision_details.html"

    def __init__(self, tables: AdminTables, **kwargs: Any) -> None:
        model = tables.credit_check
        self.column_filters = ("customer_id", "order_id", "outcome", "status",
                               tables.json_list_contains(model, "matched_rules", lazy("Rule")),
                               *tables.between_days(model, "decided_at", lazy("Decided at")))
        super().__init__(model, tables.session, **kwargs)


def add_views(admin: Admin, services: Services, tables: AdminTables) -> None:
    """Register the decisions and held-orders screens."""
    from policy_service.admin.views.held import HeldOrdersView

    category = lazy("Credit checks")
    admin.add_view(HeldOrdersView(services, tables, name=lazy("Held orders"),
                                  category=category, endpoint="held"))
    admin.add_view(DecisionView(tables, name=lazy("Decisions"), category=category,
                                endpoint="decisions"))
