"""Tiers and customers: risk managers edit, auditors read; every change lands in the history."""

from __future__ import annotations

from typing import Any

from flask_admin import Admin
from flask_login import current_user
from sqlalchemy import inspect
from wtforms import DecimalField, validators
from wtforms.validators import ValidationError

from policy_service.admin import auth
from policy_service.admin.filters import between_days
from policy_service.admin.i18n import _, lazy
from policy_service.admin.views.base import ReadOnlyModelView, SecureModelView
from policy_service.container import Services
from policy_service.db.models import Customer, Tier
from policy_service.db.models_admin import ChangeRecord
from policy_service.domain.codes import CUSTOMER_STATUSES
from policy_service.services.history import CUSTOMER_FIELDS, TIER_FIELDS, record_changes

EDITORS = (auth.ADMIN, auth.RISK)
# What a risk manager edits here; name, currency and contacts come from the ERP sync.
EDITABLE_CUSTOMER_FIELDS = ("tier", "credit_limit", "collateral_amount", "payment_term_days",
                            "status", "status_reason", "next_review_date", "owner")


class TierView(SecureModelView):
    """Credit tiers (信用等级) and their defaults."""

    write_roles = EDITORS
    column_list = ("code", "name_en", "name_zh", "payment_term_days", "review_interval_months",
                   "grace_days")
    form_columns = TIER_FIELDS
    column_default_sort = "rank"
    form_args = {f: {"validators": [validators.NumberRange(min=0)]}  # noqa: RUF012
                 for f in ("payment_term_days", "review_interval_months", "grace_days")}

    def on_model_change(self, form: Any, model: Tier, is_created: bool) -> None:
        """Record every changed field."""
        record_changes(self.session, model, "tier", model.code, TIER_FIELDS,
                       current_user.username)


class CustomerView(SecureModelView):
    """Customers: tier, limit, collateral, status (blacklist needs a reason), review date."""

    write_roles = EDITORS
    column_list = ("id", "name", "tier", "credit_limit", "collateral_amount", "currency",
                   "status", "status_reason", "owner", "next_review_date")
    column_labels = {"tier": lazy("Tier"), "credit_limit": lazy("Credit limit"),  # noqa: RUF012
                     "collateral_amount": lazy("Collateral"), "status": lazy("Status"),
                     "status_reason": lazy("Status reason"), "name": lazy("Name"),
                     "owner": lazy("Owner"), "next_review_date": lazy("Next review")}
    column_searchable_list = ("id", "name")
    column_filters = ("status", "tier_code", "owner", "currency")
    form_columns = EDITABLE_CUSTOMER_FIELDS
    form_overrides = {"credit_limit": DecimalField,  # noqa: RUF012 - Money is a TypeDecorator
                      "collateral_amount": DecimalField}
    form_choices = {"status": [(s, s) for s in CUSTOMER_STATUSES]}  # noqa: RUF012
    form_args = {  # noqa: RUF012
        "tier": {"get_label": "code", "allow_blank": False},
        "credit_limit": {"validators": [validators.NumberRange(min=0)]},
        "collateral_amount": {"validators": [validators.NumberRange(min=0)]},
    }

    def on_model_change(self, form: Any, model: Customer, is_created: bool) -> None:
        """A status change needs a reason; every changed field is recorded."""
        status = inspect(model).attrs.status.history
        if status.has_changes() and status.deleted and not (model.status_reason or "").strip():
            raise ValidationError(_("A status change needs a reason."))
        reason = inspect(model).attrs.status_reason.history
        if status.has_changes() and status.deleted and not reason.has_changes():
            raise ValidationError(_("A status change needs a new reason."))
        record_changes(self.session, model, "customer", model.id, CUSTOMER_FIELDS,
                       current_user.username)


class ChangeHistoryView(ReadOnlyModelView):
    """Who changed which customer or tier field, when, from what to what (read-only)."""

    column_list = ("changed_at", "entity", "entity_id", "field", "old_value", "new_value",
                   "changed_by")
    column_filters = ("entity", "entity_id", "field", "changed_by",
                      *between_days(ChangeRecord.changed_at, lazy("Changed at")))
    column_default_sort = ("id", True)
    can_view_details = False


def add_views(admin: Admin, services: Services, session: Any) -> None:
    """Register the tier, customer and history screens."""
    category = lazy("Customers")
    admin.add_view(CustomerView(Customer, session, name=lazy("Customers"), category=category,
                                endpoint="admin_customers", url="/admin/customers"))
    admin.add_view(TierView(Tier, session, name=lazy("Tiers"), category=category,
                            endpoint="tiers"))
    admin.add_view(ChangeHistoryView(ChangeRecord, session, name=lazy("Change history"),
                                     category=category, endpoint="changes"))
