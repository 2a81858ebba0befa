"""A risk manager's edits of a customer's credit terms and of the tiers (the admin screens).

Every status change follows the one rule of ``customers.apply_status``: a status is set
with a reason, stored as "reason (who)". In an edit the reason must be new: the form shows
the stored one, so an unchanged reason is no reason for a change. Every changed field
lands in the change history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from policy_service.db.models import Customer, Tier
from policy_service.domain.bounds import (
    MAX_REVIEW_MONTHS,
    MAX_TERM_DAYS,
    amount_problem,
    count_problem,
    date_problem,
)
from policy_service.services.credit.customers import apply_status, lock_customer, status_reason
from policy_service.services.errors import Invalid, NotFound, require_currency_digits
from policy_service.services.history import CUSTOMER_FIELDS, TIER_FIELDS, record_changes
from policy_service.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class CustomerEdit:
    """What a risk manager edits of a customer; name, currency and contacts come from the ERP."""

    tier: str
    credit_limit: Decimal
    collateral_amount: Decimal
    payment_term_days: int | None
    status: str
    status_reason: str | None
    next_review_date: date
    owner: str | None


@dataclass(frozen=True)
class TierEdit:
    """A tier's names and defaults."""

    name_en: str
    name_zh: str
    payment_term_days: int
    review_interval_months: int
    grace_days: int


def _in_bounds(amounts: dict[str, Decimal], counts: dict[str, tuple[int | None, int, int]],
               dates: dict[str, date] | None = None) -> None:
    """The bounds of domain.bounds, the same the API's schemas enforce."""
    problems: dict[str, list[str]] = {}
    for name, value in amounts.items():
        if (problem := amount_problem(value)) is not None:
            problems[name] = [problem]
    for name, (count, least, most) in counts.items():
        if count is not None and (problem := count_problem(count, most, least)) is not None:
            problems[name] = [problem]
    for name, day in (dates or {}).items():
        if (problem := date_problem(day)) is not None:
            problems[name] = [problem]
    if problems:
        raise Invalid("; ".join(f"{name} {text[0]}" for name, text in problems.items()),
                      fields=problems)


def edit_customer(uow: UnitOfWork, customer_id: str, edit: CustomerEdit, actor: str) -> Customer:
    """Apply a risk manager's edit to a customer, recording every changed field."""
    _in_bounds({"credit_limit": edit.credit_limit, "collateral_amount": edit.collateral_amount},
               {"payment_term_days": (edit.payment_term_days, 0, MAX_TERM_DAYS)},
               {"next_review_date": edit.next_review_date})
    with uow:
        session = uow.session
        tier = session.get(Tier, edit.tier)
        if tier is None:
            raise Invalid(f"unknown tier {edit.tier!r}", fields={"tier": ["unknown tier"]})
        customer = lock_customer(uow, customer_id)
        require_currency_digits(customer.currency, credit_limit=edit.credit_limit,
                                collateral_amount=edit.collateral_amount)
        reason = (edit.status_reason or "").strip()
        if edit.status != customer.status:
            if not reason:
                raise Invalid("a status change needs a reason",
                              fields={"status_reason": ["required"]})
            if reason == (customer.status_reason or "").strip():
                raise Invalid("a status change needs a new reason",
                              fields={"status_reason": ["unchanged"]})
            apply_status(customer, edit.status, reason, actor)
        elif reason != (customer.status_reason or "").strip():
            customer.status_reason = status_reason(reason, actor) if reason else None
        customer.tier_code = tier.code
        customer.tier = tier
        customer.credit_limit = edit.credit_limit
        customer.collateral_amount = edit.collateral_amount
        customer.payment_term_days = edit.payment_term_days
        customer.next_review_date = edit.next_review_date
        customer.owner = edit.owner or None
        record_changes(session, customer, "customer", customer.id, CUSTOMER_FIELDS, actor)
        uow.commit()
        return customer


def edit_tier(uow: UnitOfWork, code: str, edit: TierEdit, actor: str) -> Tier:
    """Change a tier's names and defaults, recording every changed field."""
    _in_bounds({}, {"payment_term_days": (edit.payment_term_days, 0, MAX_TERM_DAYS),
                    "review_interval_months": (edit.review_interval_months, 1,
                                               MAX_REVIEW_MONTHS),
                    "grace_days": (edit.grace_days, 0, MAX_TERM_DAYS)})
    with uow:
        tier = uow.session.get(Tier, code)
        if tier is None:
            raise NotFound(f"unknown tier {code!r}")
        for field in TIER_FIELDS:
            setattr(tier, field, getattr(edit, field))
        record_changes(uow.session, tier, "tier", tier.code, TIER_FIELDS, actor)
        uow.commit()
        return tier
