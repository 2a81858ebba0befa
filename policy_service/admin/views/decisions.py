"""Decisions (read-only, filterable, CSV); the held-orders screen is in ``held``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import g
from flask_admin import Admin
from markupsafe import Markup, escape

from policy_service.admin import auth
from policy_service.admin.formatting import customer_column, money_column, time_column
from policy_service.admin.i18n import _, lazy, pick
from policy_service.admin.views.base import ReadOnlyModelView
from policy_service.container import Services
from policy_service.services.spreadsheet import amount_cell

if TYPE_CHECKING:
    from policy_service.admin_tables import AdminTables

DECIDERS = (auth.RISK,)


def _code(_view: Any, _context: Any, model: Any, name: str) -> str:
    return _(str(getattr(model, name) or ""))


def _reasons(_view: Any, _context: Any, model: Any, _name: str) -> Markup:
    return Markup("<br>").join(escape(f"{r.get('code')}: {pick(r.get('message'))}")
                               for r in model.reasons or [])


MONEY_COLUMNS = ("amount", "reserved_amount", "exposure_before", "available_after")


def _export_amount(_view: Any, _context: Any, model: Any, name: str) -> str:
    """Money in a CSV: a number in the currency's minor unit (the currency is its own column)."""
    return amount_cell(getattr(model, name), model.currency)


class DecisionView(ReadOnlyModelView):
    """Every credit check: filters, details with reasons and the explanation, CSV export."""

    column_list = ("decided_at", "order_id", "customer_id", "amount", "currency", "outcome",
                   "status", "ruleset_version", "reasons")
    column_labels = {"decided_at": lazy("Decided at"), "order_id": lazy("Order"),  # noqa: RUF012
                     "customer_id": lazy("Customer"), "amount": lazy("Amount"),
                     "outcome": lazy("Outcome"), "status": lazy("Status"),
                     "ruleset_version": lazy("Rule set version"), "reasons": lazy("Reasons"),
                     "currency": lazy("Currency"), "decision_id": lazy("Decision"),
                     "customer_name": lazy("Customer name"), "reason_codes": lazy("Reason codes"),
                     "reason_messages": lazy("Reasons"), "ruleset_name": lazy("Rule set"),
                     "matched_rules": lazy("Matched rules"),
                     "reserved_amount": lazy("Reserved amount"),
                     "exposure_before": lazy("Exposure before"),
                     "available_after": lazy("Available after")}
    column_searchable_list = ("order_id", "customer_id")
    column_default_sort = ("decided_at", True)
    column_formatters = {"reasons": _reasons, "amount": money_column(),  # noqa: RUF012
                         "decided_at": time_column, "outcome": _code, "status": _code,
                         "customer_id": customer_column}
    column_export_list = ("decision_id", "decided_at", "order_id", "customer_id",
                          "customer_name", "amount", "currency", "outcome", "status",
                          "reason_codes", "reason_messages", "ruleset_name",
                          "ruleset_version", "matched_rules", "reserved_amount",
                          "exposure_before", "available_after")
    column_formatters_export = {  # noqa: RUF012
        "matched_rules": lambda v, c, m, n: " ".join(m.matched_rules or []),
        "customer_name": lambda v, c, m, n: (getattr(g, "export_names", None) or {}).get(
            m.customer_id, ""),
        "reason_codes": lambda v, c, m, n: " ".join(
            str(r.get("code")) for r in m.reasons or []),
        "reason_messages": lambda v, c, m, n: "; ".join(
            pick(r.get("message")) for r in m.reasons or []),
        **{name: _export_amount for name in MONEY_COLUMNS}}
    details_template = "policy/decision_details.html"

    def __init__(self, tables: AdminTables, **kwargs: Any) -> None:
        model = tables.credit_check
        self.column_filters = ("customer_id", "order_id", "outcome", "status",
                               tables.json_list_contains(model, "matched_rules", lazy("Rule")),
                               *tables.between_days(model, "decided_at", lazy("Decided at")))
        self.tables = tables
        super().__init__(model, tables.session, **kwargs)

    def _export_data(self) -> Any:
        """The exported decisions, and their customers' names (one query, not one per row)."""
        count, rows = super()._export_data()
        rows = list(rows)
        g.export_names = self.tables.customer_names(r.customer_id for r in rows)
        return count, rows


def add_views(admin: Admin, services: Services, tables: AdminTables) -> None:
    """Register the decisions and held-orders screens."""
    from policy_service.admin.views.held import HeldOrdersView

    category = lazy("Credit checks")
    admin.add_view(HeldOrdersView(services, tables, name=lazy("Held orders"),
                                  category=category, endpoint="held"))
    admin.add_view(DecisionView(tables, name=lazy("Decisions"), category=category,
                                endpoint="decisions"))
