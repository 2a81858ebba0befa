"""The one builder of the credit_approval vocabulary's facts: an order, its customer, exposure.

The facts are a plain dict of Decimal/int/str/bool; they are validated once, as the engine
encoding reads them (``encode_facts``). The inputs are read through protocols: the credit
check passes the customer row it read under the customer's lock, the request and the
exposure it computed.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol


class CustomerTerms(Protocol):
    """What the facts read of a customer."""

    @property
    def tier_code(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def credit_limit(self) -> Decimal: ...
    @property
    def collateral_amount(self) -> Decimal: ...
    @property
    def payment_term_days(self) -> int: ...  # the customer's own term, else the tier's
    @property
    def created_at(self) -> datetime: ...
    @property
    def next_review_date(self) -> date: ...


class Order(Protocol):
    """What the facts read of the order being checked."""

    @property
    def amount(self) -> Decimal: ...
    @property
    def currency(self) -> str: ...
    @property
    def requested_term_days(self) -> int | None: ...


class Exposure(Protocol):
    """What the facts read of the customer's exposure and overdue invoices."""

    @property
    def open_receivables(self) -> Decimal: ...
    @property
    def reserved_orders(self) -> Decimal: ...
    @property
    def total(self) -> Decimal: ...
    @property
    def overdue_amount(self) -> Decimal: ...
    @property
    def oldest_days_past_due(self) -> int: ...
    @property
    def overdue_invoice_count(self) -> int: ...
    @property
    def written_off_365d(self) -> Decimal: ...  # written off in the 365 days up to today
    @property
    def disputed_amount(self) -> Decimal: ...
    @property
    def broken_plans_365d(self) -> int: ...


def order_facts(customer: CustomerTerms, order: Order, exposure: Exposure, today: date
                ) -> dict[str, Any]:
    """The facts the credit_approval vocabulary describes, as Decimal/int/str/bool."""
    term = customer.payment_term_days
    return {
        "order": {
            "amount": order.amount,
            "currency": order.currency,
            "requested_term_days": order.requested_term_days
            if order.requested_term_days is not None else term,
        },
        "customer": {
            "tier": customer.tier_code,
            "status": customer.status,
            "credit_limit": customer.credit_limit,
            "collateral": customer.collateral_amount,
            "payment_term_days": term,
            "age_days": max((today - customer.created_at.date()).days, 0),
            "review_overdue": customer.next_review_date < today,
            "written_off_365d": exposure.written_off_365d,
            "disputed_amount": exposure.disputed_amount,
            "broken_plans_365d": exposure.broken_plans_365d,
        },
        "exposure": {
            "open_receivables": exposure.open_receivables,
            "reserved_orders": exposure.reserved_orders,
            "total": exposure.total,
        },
        "overdue": {
            "amount": exposure.overdue_amount,
            "oldest_days": exposure.oldest_days_past_due,
            "invoice_count": exposure.overdue_invoice_count,
        },
    }
