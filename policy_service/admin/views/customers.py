"""Tiers and customers: risk managers edit, auditors read; every change lands in the history.

The screens are Flask-Admin model views over ``AdminTables``; saving an edit goes through
services/credit/edits.py (``edit_customer``, ``edit_tier``), so the status-reason rule and
the change history are the services' own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import flash, g
from flask_admin import Admin
from flask_login import current_user
from markupsafe import Markup, escape
from wtforms import DecimalField, validators

from policy_service.admin import auth
from policy_service.admin.formatting import customer_link, money_column, time_column
from policy_service.admin.i18n import _, lazy
from policy_service.admin.refusals import refusal
from policy_service.admin.views.base import ReadOnlyModelView, SecureModelView
from policy_service.container import Services
from policy_service.domain.codes import CUSTOMER_STATUSES
from policy_service.services.credit.edits import CustomerEdit, TierEdit, edit_customer, edit_tier
from policy_service.services.errors import Invalid, ServiceError
from policy_service.services.history import TIER_FIELDS

if TYPE_CHECKING:
    from policy_service.admin_tables import AdminTables

EDITORS = (auth.ADMIN, auth.RISK)
# What a risk manager edits here; name, currency and contacts come from the ERP sync.
EDITABLE_CUSTOMER_FIELDS = ("tier", "credit_limit", "collateral_amount", "payment_term_days",
                            "status", "status_reason", "next_review_date", "owner")
REASON_MESSAGES = {"required": lazy("A status change needs a reason."),
                   "unchanged": lazy("A status change needs a new reason.")}


def _flash(error: ServiceError) -> None:
    problem = (error.fields.get("status_reason") or [None])[0]
    message = REASON_MESSAGES.get(problem) if isinstance(error, Invalid) else None
    flash(str(message) if message else refusal(error.message), "error")


def _code(_view: Any, _context: Any, model: Any, name: str) -> str:
    """A stored code (status, field name) in the user's language."""
    value = getattr(model, name)
    return _(str(value)) if value not in (None, "") else ""


def _day(_view: Any, _context: Any, model: Any, name: str) -> str:
    value = getattr(model, name)
    return value.isoformat() if value is not None else ""


def _data(_view: Any, _context: Any, model: Any, name: str) -> Markup:
    """Text a person or the system wrote (a reason, a name, an actor): shown as it is."""
    value = getattr(model, name)
    return Markup(f'<span translate="no">{escape(value if value is not None else "")}</span>')


def _changed_value(_view: Any, _context: Any, model: Any, name: str) -> Markup | str:
    """A status change shows the statuses in the user's language; other values as stored."""
    value = getattr(model, name)
    if model.field == "status" and value:
        return _(str(value))
    return _data(_view, _context, model, name)


CUSTOMER_LABELS = {
    "id": lazy("Customer"), "name": lazy("Name"), "tier": lazy("Tier"),
    "tier_code": lazy("Tier"), "credit_limit": lazy("Credit limit"),
    "currency": lazy("Currency"), "payment_term_days": lazy("Payment term days"),
    "owner": lazy("Owner"), "email": lazy("Email"), "phone": lazy("Phone"),
    "collateral_amount": lazy("Collateral"), "status": lazy("Status"),
    "status_reason": lazy("Status reason"), "next_review_date": lazy("Next review"),
    "created_at": lazy("Created at"), "updated_at": lazy("Updated at")}


class ServiceEditedView(SecureModelView):
    """A model screen whose edits are saved by a service, not by the session."""

    def __init__(self, services: Services, model: Any, tables: AdminTables,
                 **kwargs: Any) -> None:
        self.services = services
        super().__init__(model, tables.session, **kwargs)

    def edit(self, form: Any, model: Any) -> Callable[[], object]:
        """Read the form and the row's key; return the service call that saves them."""
        raise NotImplementedError

    def update_model(self, form: Any, model: Any) -> bool:
        """Save through the service; a refusal is flashed and the form shown again.

        The screen's own transaction ends first (on SQLite it holds the writer lock the
        service's unit of work needs).
        """
        save = self.edit(form, model)
        self.session.rollback()
        try:
            save()
        except ServiceError as exc:
            _flash(exc)
            return False
        return True


class TierView(ServiceEditedView):
    """Credit tiers (信用等级) and their defaults."""

    write_roles = EDITORS
    column_list = ("code", "name_en", "name_zh", "payment_term_days", "review_interval_months",
                   "grace_days")
    column_formatters = {"name_en": _data}  # noqa: RUF012 - the English name is data here
    column_labels = {"code": lazy("Code"), "name_en": lazy("Name (English)"),  # noqa: RUF012
                     "name_zh": lazy("Name (Chinese)"),
                     "payment_term_days": lazy("Payment term days"),
                     "review_interval_months": lazy("Review interval months"),
                     "grace_days": lazy("Grace days")}
    form_columns = TIER_FIELDS
    column_default_sort = "rank"
    form_args = {f: {"validators": [validators.NumberRange(min=0)]}  # noqa: RUF012
                 for f in ("payment_term_days", "review_interval_months", "grace_days")}

    def edit(self, form: Any, model: Any) -> Callable[[], object]:
        """edit_tier, recording every changed field."""
        code, edit = model.code, TierEdit(**{f: form[f].data for f in TIER_FIELDS})
        actor = current_user.username
        return lambda: edit_tier(self.services.uow(), code, edit, actor)


class CustomerView(ServiceEditedView):
    """Customers: tier, limit, collateral, status (a change needs a reason), review date."""

    write_roles = EDITORS
    column_list = ("id", "name", "tier", "credit_limit", "collateral_amount", "currency",
                   "status", "status_reason", "owner", "next_review_date")
    column_labels = CUSTOMER_LABELS
    column_formatters = {"credit_limit": money_column(),  # noqa: RUF012
                         "collateral_amount": money_column(), "status": _code,
                         "next_review_date": _day, "status_reason": _data, "name": _data,
                         "owner": _data, "email": _data, "phone": _data,
                         "created_at": time_column, "updated_at": time_column,
                         "id": lambda _v, _c, model, _n: customer_link(model.id)}
    column_searchable_list = ("id", "name")
    column_filters = ("status", "tier_code", "owner", "currency")
    form_columns = EDITABLE_CUSTOMER_FIELDS
    form_overrides = {"credit_limit": DecimalField,  # noqa: RUF012 - Money is a TypeDecorator
                      "collateral_amount": DecimalField}
    form_choices = {"status": [(s, lazy(s)) for s in CUSTOMER_STATUSES]}  # noqa: RUF012
    form_args = {  # noqa: RUF012
        "tier": {"get_label": "code", "allow_blank": False},
        "credit_limit": {"validators": [validators.NumberRange(min=0)]},
        "collateral_amount": {"validators": [validators.NumberRange(min=0)]},
    }

    def edit(self, form: Any, model: Any) -> Callable[[], object]:
        """edit_customer: one status-reason rule, every changed field recorded."""
        data = {f: form[f].data for f in EDITABLE_CUSTOMER_FIELDS}
        data["tier"] = data["tier"].code if data["tier"] is not None else ""
        customer_id, edit, actor = model.id, CustomerEdit(**data), current_user.username
        return lambda: edit_customer(self.services.uow(), customer_id, edit, actor)


class ChangeHistoryView(ReadOnlyModelView):
    """Who changed which customer or tier field, when, from what to what (read-only)."""

    column_list = ("changed_at", "entity", "entity_id", "field", "old_value", "new_value",
                   "changed_by")
    column_labels = {"changed_at": lazy("Changed at"), "entity": lazy("Entity"),  # noqa: RUF012
                     "entity_id": lazy("Entity id"), "field": lazy("Field"),
                     "old_value": lazy("Old value"), "new_value": lazy("New value"),
                     "changed_by": lazy("Changed by"), "customer_name": lazy("Customer name")}
    column_formatters = {"changed_at": time_column,  # noqa: RUF012
                         "entity": _code, "field": _code, "old_value": _changed_value,
                         "new_value": _changed_value, "changed_by": _data}
    column_default_sort = ("id", True)
    can_view_details = False
    column_export_list = ("changed_at", "entity", "entity_id", "customer_name", "field",
                          "old_value", "new_value", "changed_by")
    column_formatters_export = {"customer_name": lambda v, c, m, n: (  # noqa: RUF012
        getattr(g, "export_names", None) or {}).get(m.entity_id, "")
        if m.entity == "customer" else ""}

    def _export_data(self) -> Any:
        """The exported changes, and the names of the customers they concern (one query)."""
        count, rows = super()._export_data()
        rows = list(rows)
        g.export_names = self.tables.customer_names(
            r.entity_id for r in rows if r.entity == "customer")
        return count, rows

    def __init__(self, tables: AdminTables, **kwargs: Any) -> None:
        self.tables = tables
        self.column_filters = ("entity", "entity_id", "field", "changed_by",
                               *tables.between_days(tables.change_record, "changed_at",
                                                    lazy("Changed at")))
        super().__init__(tables.change_record, tables.session, **kwargs)


def add_views(admin: Admin, services: Services, tables: AdminTables) -> None:
    """Register the tier, customer and history screens."""
    category = lazy("Customers")
    admin.add_view(CustomerView(services, tables.customer, tables, name=lazy("Customers"),
                                category=category, endpoint="admin_customers",
                                url="/admin/customers"))
    admin.add_view(TierView(services, tables.tier, tables, name=lazy("Tiers"),
                            category=category, endpoint="tiers"))
    admin.add_view(ChangeHistoryView(tables, name=lazy("Change history"), category=category,
                                     endpoint="changes"))
