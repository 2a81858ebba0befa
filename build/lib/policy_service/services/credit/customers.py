"""Customers synced from the ERP, and the credit status order systems and sales read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from policy_service.db.models import CreditCheck, Customer, Invoice, Tier
from policy_service.db.models_collections import PaymentPlan
from policy_service.db.models_reports import Alert
from policy_service.domain.codes import CUSTOMER_STATUSES
from policy_service.domain.dates import add_months
from policy_service.domain.money import SUPPORTED_CURRENCIES
from policy_service.services.credit.exposure import current_exposure
from policy_service.services.errors import Conflict, Invalid, NotFound, require_currency_digits
from policy_service.services.history import CUSTOMER_FIELDS, record_changes
from policy_service.services.receivables.aging import customer_buckets
from policy_service.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class CustomerInput:
    """The ERP's view of a customer (PUT /v1/customers/{id})."""

    name: str
    tier: str
    credit_limit: Decimal
    currency: str
    payment_term_days: int | None = None
    owner: str | None = None
    email: str | None = None
    phone: str | None = None
    collateral_amount: Decimal = Decimal("0.00")


def upsert_customer(
    uow: UnitOfWork, customer_id: str, data: CustomerInput, today: date,
    actor: str = "erp sync",
) -> tuple[Customer, bool]:
    """Create or update a customer, recording each changed field; returns (customer, created)."""
    with uow:
        session = uow.session
        tier = session.get(Tier, data.tier)
        if tier is None:
            known = ", ".join(sorted(session.scalars(select(Tier.code))))
            raise Invalid(f"unknown tier {data.tier!r}; known tiers: {known}",
                          fields={"tier": [f"unknown tier {data.tier!r}"]})
        if data.currency not in SUPPORTED_CURRENCIES:
            raise Invalid(f"unsupported currency {data.currency!r}",
                          fields={"currency": ["unsupported currency"]})
        require_currency_digits(data.currency, credit_limit=data.credit_limit,
                                collateral_amount=data.collateral_amount)
        customer = lock_customer(uow, customer_id, missing_ok=True)
        created = customer is None
        if customer is None:
            customer = Customer(id=customer_id, status="active", tier_code=tier.code,
                                next_review_date=add_months(today, tier.review_interval_months))
            session.add(customer)
        elif customer.currency != data.currency and _has_business(session, customer_id):
            raise Conflict(
                f"customer {customer_id} has invoices or credit checks in {customer.currency}; "
                "its currency cannot change",
                fields={"currency": ["cannot change once there is business"]},
            )
        customer.name = data.name
        customer.tier_code = tier.code
        customer.tier = tier
        customer.credit_limit = data.credit_limit
        customer.currency = data.currency
        customer.payment_term_days = data.payment_term_days
        customer.owner = data.owner
        customer.email = data.email
        customer.phone = data.phone
        customer.collateral_amount = data.collateral_amount
        if not created:
            record_changes(session, customer, "customer", customer.id, CUSTOMER_FIELDS, actor)
        uow.commit()
        return customer, created


def lock_customer(uow: UnitOfWork, customer_id: str, *, missing_ok: bool = False) -> Any:
    """Load a customer holding its row lock for the rest of the transaction.

    On PostgreSQL this is SELECT ... FOR UPDATE; SQLAlchemy's SQLite compiler leaves the
    FOR UPDATE out, and there the transaction already holds the database write lock
    (BEGIN IMMEDIATE), which serializes the same way.
    """
    query = select(Customer).where(Customer.id == customer_id).with_for_update(of=Customer)
    customer = uow.session.scalars(query).one_or_none()
    if customer is None and not missing_ok:
        raise NotFound(f"unknown customer {customer_id!r}")
    return customer


def get_customer(session: Session, customer_id: str) -> Customer:
    """A customer or NotFound."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"unknown customer {customer_id!r}")
    return customer


def credit_status(uow: UnitOfWork, customer_id: str, today: date,
                  aging_as_of: date | None = None) -> dict[str, Any]:
    """GET /v1/customers/{id}/credit: limit, exposure, available, overdue and aging.

    The aging is as of ``aging_as_of`` (default today); a past date shows what was true
    then (``customer_buckets``' ``past``)."""
    as_of = aging_as_of or today
    with uow:
        session = uow.session
        customer = get_customer(session, customer_id)
        exposure = current_exposure(session, customer_id, today, customer.currency)
        return {
            "customer_id": customer.id,
            "tier": customer.tier_code,
            "status": customer.status,
            "currency": customer.currency,
            "credit_limit": customer.credit_limit,
            "collateral_amount": customer.collateral_amount,
            "exposure": {
                "open_receivables": exposure.open_receivables,
                "reserved_orders": exposure.reserved_orders,
                "total": exposure.total,
            },
            "available": customer.credit_limit + customer.collateral_amount - exposure.total,
            "overdue": {
                "amount": exposure.overdue_amount,
                "oldest_days_past_due": exposure.oldest_days_past_due,
            },
            "aging": customer_buckets(session, customer_id, as_of, past=as_of < today),
            "aging_as_of": as_of,
            "next_review_date": customer.next_review_date,
            "open_alerts": int(session.scalar(select(func.count()).select_from(Alert).where(
                Alert.customer_id == customer_id, Alert.status == "open")) or 0),
            "disputed_amount": exposure.disputed_amount,
            "active_plans": active_plans(session, customer_id),
        }


def active_plans(session: Session, customer_id: str) -> int:
    """How many payment plans of the customer are active."""
    return int(session.scalar(select(func.count()).select_from(PaymentPlan).where(
        PaymentPlan.customer_id == customer_id, PaymentPlan.status == "active")) or 0)


def status_reason(reason: str, actor: str) -> str:
    """How every status change stores its reason: the reason given, then who gave it."""
    return f"{reason.strip()} ({actor})"


def check_status(status: str, reason: str) -> None:
    """A status must be known and given with a reason."""
    if status not in CUSTOMER_STATUSES:
        raise Invalid(f"status must be one of {', '.join(CUSTOMER_STATUSES)}",
                      fields={"status": ["unknown status"]})
    if not reason.strip():
        raise Invalid("a reason is required", fields={"reason": ["required"]})


def apply_status(customer: Customer, status: str, reason: str, actor: str) -> None:
    """The one status rule: a known status, set with a reason stored as "reason (who)"."""
    check_status(status, reason)
    customer.status = status
    customer.status_reason = status_reason(reason, actor)


def set_status(uow: UnitOfWork, customer_id: str, status: str, reason: str, actor: str) -> Customer:
    """A risk manager blacklists or reinstates a customer, with a reason."""
    check_status(status, reason)
    with uow:
        customer = lock_customer(uow, customer_id)
        apply_status(customer, status, reason, actor)
        record_changes(uow.session, customer, "customer", customer.id,
                       ("status", "status_reason"), actor)
        uow.commit()
        return customer


def _has_business(session: Session, customer_id: str) -> bool:
    return bool(
        session.scalar(select(exists().where(Invoice.customer_id == customer_id)))
        or session.scalar(select(exists().where(CreditCheck.customer_id == customer_id)))
    )
