"""Held orders: find them, see what releasing does to credit, release or reject with a note.

One hold at a time from its row, or several at once: the risk manager ticks rows, picks
"Release" or "Reject" under "With selected", and a confirmation page says how many orders and
what releasing them does to each customer's available credit (warning when it takes a
customer over its limit) before one note decides them all in one transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import abort, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from policy_service.admin import auth
from policy_service.admin.formatting import customer_link, money, money_column, time_column
from policy_service.admin.i18n import _, lazy
from policy_service.admin.refusals import refusal
from policy_service.admin.views.base import ReadOnlyModelView, SecureModelView
from policy_service.admin.views.decisions import DECIDERS, DecisionView, _reasons
from policy_service.admin.web import csrf
from policy_service.container import Services
from policy_service.services.credit import hold_batch, holds
from policy_service.services.credit.queries import release_effects
from policy_service.services.errors import Conflict, ServiceError

if TYPE_CHECKING:
    from policy_service.admin_tables import AdminTables

BULK = ("release", "reject")


def _effect(model: Any) -> dict[str, Any] | None:
    return (getattr(g, "release_effects", None) or {}).get(model.decision_id)


def _customer_cell(_view: Any, _context: Any, model: Any, _name: str) -> Markup:
    found = _effect(model)
    name = found["customer"].name if found else ""
    return customer_link(model.customer_id) + Markup('<br><small>{}</small>').format(name)


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
    note_label = escape(_("Note on order %(order)s", order=model.order_id))
    return Markup(
        f'<form method="post" action="{escape(action)}" class="form-inline decide-form">'
        f'<input type="hidden" name="csrf_token" value="{escape(generate_csrf())}">'
        f'<input name="note" class="form-control form-control-sm mr-1" required '
        f'placeholder="{escape(_("Note"))}" '
        f'aria-label="{note_label}">'
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
    column_searchable_list = ("order_id", "customer_id")  # the search itself: search_holds
    can_export = False
    details_template = "policy/decision_details.html"

    def __init__(self, services: Services, tables: AdminTables, **kwargs: Any) -> None:
        self.services = services
        self.tables = tables
        self.column_filters = tables.hold_filters(services.today, services.settings.timezone, {
            "currency": lazy("Currency"), "reason": lazy("Reason code"),
            "age": lazy("Days on hold"), "owner": lazy("Account owner")})
        super().__init__(tables.credit_check, tables.session, **kwargs)

    def search_placeholder(self) -> str:
        """What the search box finds."""
        return str(_("Customer id or name, order"))

    def _get_filter_groups(self) -> Any:
        """The filters with their offered values read now (currencies and owners change)."""
        self._refresh_filters_cache()
        return super()._get_filter_groups()

    def _apply_search(self, query: Any, count_query: Any, joins: Any, count_joins: Any,
                      search: str) -> Any:
        """Order reference, customer id or customer name (a customer has no relationship)."""
        count = None if count_query is None else self.tables.search_holds(count_query, search)
        return self.tables.search_holds(query, search), count, joins, count_joins

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

    def is_action_allowed(self, name: str) -> bool:
        """Risk managers release and reject; nobody deletes."""
        return name in BULK and auth.has_role(*DECIDERS)

    def _handle_view(self, name: str, **kwargs: Any) -> Any:
        if name == "decide":  # the one write here: role and CSRF checked in decide()
            return super(ReadOnlyModelView, self)._handle_view(name, **kwargs)
        if name in ("action_view", "bulk"):  # the bulk decision: risk managers, with CSRF
            denied = super(SecureModelView, self)._handle_view(name, **kwargs)
            if denied is not None:
                return denied
            if not auth.has_role(*DECIDERS):
                abort(403)
            if request.method == "POST":
                csrf.protect()
            return None
        return super()._handle_view(name, **kwargs)

    @action("release", lazy("Release"))
    def action_release(self, ids: Any) -> Any:
        """Ask before releasing the ticked holds."""
        return redirect(url_for(".bulk", action="release", id=list(ids)))

    @action("reject", lazy("Reject"))
    def action_reject(self, ids: Any) -> Any:
        """Ask before rejecting the ticked holds."""
        return redirect(url_for(".bulk", action="reject", id=list(ids)))

    @expose("/bulk", methods=("GET", "POST"))
    def bulk(self) -> Any:
        """GET: the confirmation (how many, what it does to credit); POST: decide them all."""
        args = request.form if request.method == "POST" else request.args
        verb, ids = args.get("action"), [i for i in args.getlist("id") if i]
        if verb not in BULK or not ids:
            flash(_("Please select at least one order."), "error")
            return redirect(url_for(".index_view"))
        if request.method == "GET":
            with self.services.database.sessions() as session:
                effects = hold_batch.release_preview(session, ids)
            return self.render("policy/held_bulk.html", verb=verb, effects=effects,
                               ids=[o.decision_id for e in effects for o in e.orders
                                    if o.on_hold])
        note = (request.form.get("note") or "").strip()
        if not note:
            flash(_("A note is required."), "error")
            return redirect(url_for(".bulk", action=verb, id=ids))
        try:
            decided = holds.decide_many(self.services.uow(), ids, note, auth.actor(),
                                        release=verb == "release", today=self.services.today())
        except Conflict:
            flash(_("Nothing was changed: one of the orders was decided meanwhile. Check "
                    "the list and try again."), "error")
        except ServiceError as exc:
            flash(refusal(exc.message), "error")
        else:
            orders = ", ".join(sorted(d.get("order_id") or d["decision_id"] for d in decided))
            flash(_("Orders released: %(orders)s.", orders=orders) if verb == "release"
                  else _("Orders rejected: %(orders)s.", orders=orders), "success")
        return redirect(url_for(".index_view"))

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
            flash(refusal(exc.message), "error")
        else:
            order = decided.get("order_id") or decision_id
            flash(_("Order %(order)s released.", order=order) if action == "release"
                  else _("Order %(order)s rejected.", order=order), "success")
        return redirect(url_for("held.index_view"))
