"""The credit check's rows in SQLAlchemy Core: one locking read and two inserts.

A credit check is the one request order systems send many times a day. Through the ORM
its unit of work (identity map, flush ordering, post-fetch of defaults) cost more than
the rest of the check together, so the decision path reads and writes these rows
directly. Everything else, including the replay of a repeated order, uses the models.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select

from policy_service.db.models import (
    CreditCheck,
    CreditCheckEvent,
    Customer,
    RuleSetVersion,
    Tier,
    table_of,
)

_CUSTOMERS = table_of(Customer)
_TIERS = table_of(Tier)
_VERSIONS = table_of(RuleSetVersion)


@dataclass(frozen=True)
class CustomerTerms:
    """What a credit check needs of a customer, read under its lock."""

    id: str
    tier_code: str
    status: str
    currency: str
    credit_limit: Decimal
    collateral_amount: Decimal
    payment_term_days: int  # the customer's own term, else the tier's
    created_at: datetime
    next_review_date: date
    newest_ruleset_version: int | None  # of the rule set named in the read


def _locking_read() -> Any:
    """SELECT ... FOR UPDATE OF customers; SQLAlchemy's SQLite compiler leaves the FOR
    UPDATE out, and there the transaction already holds the write lock (BEGIN IMMEDIATE).
    """
    newest = (
        select(func.max(_VERSIONS.c.version))
        .where(_VERSIONS.c.name == bindparam("ruleset"))
        .scalar_subquery()
    )
    c = _CUSTOMERS.c
    return (
        select(c.id, c.tier_code, c.status, c.currency, c.credit_limit, c.collateral_amount,
               func.coalesce(c.payment_term_days, _TIERS.c.payment_term_days),
               c.created_at, c.next_review_date, newest)
        .join_from(_CUSTOMERS, _TIERS, c.tier_code == _TIERS.c.code)
        .where(c.id == bindparam("customer_id"))
        .with_for_update(of=_CUSTOMERS)
    )


# The newest version rides along with the locking read: versions are immutable and a
# publish only appends, so reading it in the same statement costs no extra round trip.
_LOCKING_READ = _locking_read()
_CHECKS = table_of(CreditCheck)
_EVENTS = table_of(CreditCheckEvent)
_INSERT_CHECK = insert(_CHECKS)
_INSERT_EVENT = insert(_EVENTS)
_EVENT_COLUMNS = ("action", "status", "reserved_amount", "actor", "note", "at", "business_date")


def _insert_check_and_event() -> Any:
    """PostgreSQL: both rows in one statement (a data-modifying WITH), one round trip."""
    check = (
        insert(_CHECKS)
        .values({column.key: bindparam(column.key, type_=column.type)
                 for column in _CHECKS.columns})
        .returning(_CHECKS.c.decision_id)
        .cte("new_check")
    )
    event = select(check.c.decision_id, *(
        bindparam(f"event_{name}", type_=_EVENTS.c[name].type) for name in _EVENT_COLUMNS))
    return insert(_EVENTS).from_select(["decision_id", *_EVENT_COLUMNS], event)


_INSERT_CHECK_AND_EVENT = _insert_check_and_event()


def lock_customer_terms(
    connection: Connection, customer_id: str, ruleset: str
) -> CustomerTerms | None:
    """The customer under its lock, and the newest version of `ruleset`."""
    row = connection.execute(
        _LOCKING_READ, {"customer_id": customer_id, "ruleset": ruleset}).first()
    return CustomerTerms(*row) if row is not None else None


def insert_check(connection: Connection, check: dict[str, Any], event: dict[str, Any]) -> None:
    """Write a decision and the first entry of its history."""
    if connection.dialect.name == "postgresql":
        connection.execute(_INSERT_CHECK_AND_EVENT, {
            **check, **{f"event_{name}": event[name] for name in _EVENT_COLUMNS}})
        return
    connection.execute(_INSERT_CHECK, check)
    connection.execute(_INSERT_EVENT, event)
