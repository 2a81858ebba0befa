"""The one aging aggregation (账龄): outstanding per customer, due date and written-off flag.

Every aging figure goes through here: the credit view (``customer_buckets``), the aging
report and its CSV (``customers_aging``), the dashboard (``total_buckets``) and the daily
snapshot (``customers_aging`` for a batch). The SQL sums each invoice's outstanding
(``domain.outstanding``) over open and written-off invoices, grouped by due date and
status, which is all the bucket and class logic needs; ``domain.aging.AgingTotals`` then buckets and
classes the groups and says how written-off invoices count (bad debt: in their class and
the provision, in no bucket).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from policy_service.db.models import Customer, Invoice
from policy_service.domain.aging import AgingTotals, ReceivableClass

AGED_STATUSES = ("open", "written_off")
Classify = Callable[[int, bool], ReceivableClass]


@dataclass(frozen=True)
class CustomerAging:
    """One customer's aging totals, with what the report prints beside them."""

    customer_id: str
    name: str
    currency: str
    totals: AgingTotals


def _grouped(*keys: Any) -> Any:
    """Σ outstanding of aged invoices with a positive outstanding, grouped by ``keys``."""
    return (select(*keys, Invoice.due_date, Invoice.status, func.sum(Invoice.outstanding))
            .where(Invoice.status.in_(AGED_STATUSES), Invoice.outstanding > 0)
            .group_by(*keys, Invoice.due_date, Invoice.status))


def _money(value: object) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def customers_aging(session: Session | Connection, as_of: date, classify: Classify | None,
                    customer_ids: Sequence[str] | None = None) -> Iterator[CustomerAging]:
    """Aging totals of each customer with aged invoices, by customer id (streamed)."""
    query = (_grouped(Customer.id, Customer.name, Customer.currency)
             .join(Customer, Customer.id == Invoice.customer_id)
             .order_by(Customer.id).execution_options(yield_per=2000))
    if customer_ids is not None:
        query = query.where(Invoice.customer_id.in_(customer_ids))
    current: CustomerAging | None = None
    for customer_id, name, currency, due_date, status, amount in session.execute(query):
        if current is None or current.customer_id != customer_id:
            if current is not None:
                yield current
            current = CustomerAging(customer_id, name, currency, AgingTotals(classify))
        current.totals.add(_money(amount), (as_of - due_date).days, status == "written_off")
    if current is not None:
        yield current


def customer_buckets(session: Session | Connection, customer_id: str, as_of: date
                     ) -> dict[str, Decimal]:
    """One customer's receivables per aging bucket (the credit view)."""
    for found in customers_aging(session, as_of, None, [customer_id]):
        return found.totals.buckets
    return AgingTotals().buckets


def total_buckets(session: Session | Connection, as_of: date) -> dict[str, Decimal]:
    """Every customer's receivables per aging bucket, in one grouped query (the dashboard)."""
    totals = AgingTotals()
    for due_date, status, amount in session.execute(_grouped()):
        totals.add(_money(amount), (as_of - due_date).days, status == "written_off")
    return totals.buckets
