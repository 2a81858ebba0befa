"""Decisions (read-only, filterable, CSV) and held orders (release or reject with a note)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import abort, flash, g, redirect, request, url_for
from flask_admin import Admin, expose
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from policy_service.admin import auth
from policy_service.admin.formatting import money, money_column, time_column
from policy_service.admin.i18n import _, lazy, pick
from policy_service.admin.views.base import ReadOnlyModelView
from policy_service.admin.web import csrf
from policy_service.container import Services
from policy_service.services.credit import holds
from policy_service.services.credit.queries import release_effects
from policy_service.services.errors import Conflict, ServiceError

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


def _effect(model: Any) -> dict[str, Any] | None:
    return (getattr(g, "release_effects", None) or {}).get(model.decision_id)


def _customer_cell(_view: Any, _context: Any, model: Any, _name: str) -> Markup:
    found = _effect(model)
    name = found["customer"].name if found else ""
    return Markup(f'{escape(model.customer_id)}<br><small>{escape(name)}</small>')


def _credit_cell(_view: Any, _context: Any, model: Any, name: str) -> str:
    found = _effect(model)
    if found is None:
        return ""
    customer = found["customer"]
    value = {"exposure": customer.exposure, "limit": customer.limit,
             "available": customer.available}[name]
    return money(value, customer.currency)


def _after_release(_view: Any, _context: Any, model: Any, _name: str) -> Markup:
    found = _effect(model)
    if found is None:
        return Markup("")
    used = found["utilization_after"]
    shown = _("available %(available)s, %(used)s%% of the limit",
              available=money(found["available_after"], model.currency),
              used=used if used is not None else "–")
    css = "text-danger font-weight-bold" if found["over_limit_after"] else ""
    return Markup(f'<span class="after-release {css}">{escape(shown)}</span>')


def _release_question(model: Any) -> str:
    found = _effect(model)
    if found is not None and found["over_limit_after"]:
        return _("Releasing order %(order)s puts customer %(customer)s over its limit: "
                 "%(used)s%% of the limit, available %(available)s. Release anyway?",
                 order=model.order_id, customer=found["customer"].name or model.customer_id,
                 used=found["utilization_after"] if found["utilization_after"] is not None
                 else "–", available=money(found["available_after"], model.currency))
    return _("Release order %(order)s?", order=model.order_id)


def _decide_form(_view: Any, _context: Any, model: Any, _name: str) -> Markup:
    if not auth.has_role(*DECIDERS):
        return Markup("")
    action = url_for("held.decide", decision_id=model.decision_id)
    release_question = escape(_release_question(model))
    reject_question = escape(_("Reject order %(order)s? This cannot be undone.",
                               order=model.order_id))
    return Markup(
        f'<form method="post" action="{escape(action)}" class="form-inline decide-form">'
        f'<input type="hidden" name="csrf_token" value="{escape(generate_csrf())}">'
        f'<input name="note" class="form-control form-control-sm mr-1" required '
        f'placeholder="{escape(_("Note"))}">'
        f'<button name="action" value="release" class="btn btn-sm btn-success mr-1" '
        f'data-confirm="{release_question}">{escape(_("Release"))}</button>'
        f'<button name="action" value="reject" class="btn btn-sm btn-danger" '
        f'data-confirm="{reject_question}">{escape(_("Reject"))}</button></form>')


class HeldOrdersView(ReadOnlyModelView):
    """Credit checks on hold and still open; risk managers release or reject them."""

    column_list = ("decided_at", "order_id", "customer_id", "amount", "exposure", "limit",
                   "available", "after_release", "reasons", "decide")
    column_labels = DecisionView.column_labels | {
        "decide": lazy("Decide"), "exposure": lazy("Exposure"),
        "limit": lazy("Limit and collateral"), "available": lazy("Available"),
        "after_release": lazy("If released")}
    column_formatters = {  # noqa: RUF012
        "reasons": _reasons, "decide": _decide_form, "customer_id": _customer_cell,
        "amount": money_column(), "decided_at": time_column, "exposure": _credit_cell,
        "limit": _credit_cell, "available": _credit_cell, "after_release": _after_release}
    column_sortable_list = ("decided_at", "order_id", "customer_id", "amount")
    column_default_sort = ("decided_at", False)
    can_export = False
    details_template = "policy/decision_details.html"

    def __init__(self, services: Services, tables: AdminTables, **kwargs: Any) -> None:
        self.services = services
        self.tables = tables
        super().__init__(tables.credit_check, tables.session, **kwargs)

    def get_list(self, *args: Any, **kwargs: Any) -> Any:
        """The page's holds, and what releasing each would do to its customer's credit."""
        count, rows = super().get_list(*args, **kwargs)
        rows = list(rows)
        g.release_effects = release_effects(self.session, rows)
        return count, rows

    def get_query(self) -> Any:
        """Only open holds."""
        return self.tables.open_holds(super().get_query())

    def get_count_query(self) -> Any:
        """Only open holds."""
        return self.tables.open_holds(super().get_count_query())

    def _handle_view(self, name: str, **kwargs: Any) -> Any:
        if name == "decide":  # the one write here: role and CSRF checked in decide()
            return super(ReadOnlyModelView, self)._handle_view(name, **kwargs)
        return super()._handle_view(name, **kwargs)

    @expose("/decide/<decision_id>", methods=("POST",))
    def decide(self, decision_id: str) -> Any:
        """Release or reject one hold with a note (risk managers only)."""
        if not auth.has_role(*DECIDERS):
            abort(403)
        csrf.protect()
        action, note = request.form.get("action"), (request.form.get("note") or "").strip()
        if action not in ("release", "reject"):
            abort(400)
        if not note:
            flash(_("A note is required."), "error")
            return redirect(url_for("held.index_view"))
        decide = holds.release if action == "release" else holds.reject
        try:
            decided = decide(self.services.uow(), decision_id, note, auth.actor(),
                             self.services.today())
        except Conflict:
            flash(_("This order is no longer on hold: it was decided meanwhile."), "error")
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            order = decided.get("order_id") or decision_id
            flash(_("Order %(order)s released.", order=order) if action == "release"
                  else _("Order %(order)s rejected.", order=order), "success")
        return redirect(url_for("held.index_view"))


def add_views(admin: Admin, services: Services, tables: AdminTables) -> None:
    """Register the decisions and held-orders screens."""
    category = lazy("Credit checks")
    admin.add_view(HeldOrdersView(services, tables, name=lazy("Held orders"),
                                  category=category, endpoint="held"))
    admin.add_view(DecisionView(tables, name=lazy("Decisions"), category=category,
                                endpoint="decisions"))
