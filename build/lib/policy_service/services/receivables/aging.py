"""The one aging aggregation (账龄): outstanding per customer, due date and written-off flag.

Every aging figure goes through here: the credit view (``customer_buckets``), the aging
report and its CSV (``customers_aging``) and the daily
snapshot (``customers_aging`` for a batch). The SQL sums each invoice's outstanding
(``domain.outstanding``) over open and written-off invoices, grouped by due date and
status, which is all the bucket and class logic needs; ``domain.aging.AgingTotals`` then buckets and
classes the groups and says how written-off invoices count (bad debt: in their class and
the provision, in no bucket). A past date's aging is rebuilt from the dated rows instead
(``_grouped_as_of``): what was known then, not today's balances.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, case, func, select, type_coerce
from sqlalchemy.orm import Session

from policy_service.db.among import among
from policy_service.db.models import Customer, Invoice, Payment
from policy_service.db.models_collections import CreditNote
from policy_service.db.models_receivables import (
    InvoiceAdjustment,
    PenaltyAccrual,
    PenaltyCorrection,
)
from policy_service.db.types import Money
from policy_service.domain.aging import AgingTotals, ReceivableClass
from policy_service.domain.money import in_currency

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


def _total(column: Any, *where: Any) -> Any:
    """Σ ``column`` of the rows of its table for the invoice at hand (0 if none)."""
    table = column.class_
    return type_coerce(select(func.coalesce(func.sum(column), 0))
                       .where(table.invoice_id == Invoice.id, *where)
                       .correlate(Invoice).scalar_subquery(), Money())


def _grouped_as_of(as_of: date, customer_ids: Sequence[str] | None) -> Any:
    """``_grouped`` as it stood at the end of ``as_of``: invoices issued by then, their
    principal and penalty paid by payments value-dated by then, credit notes issued by
    then, penalty accrued by then (less what those payments' value dates reversed of it),
    waivers and write-offs made by then (each rebuilt from its dated rows, the invoice's
    running totals being today's)."""
    paid_by = Payment.paid_at <= as_of
    made_by = InvoiceAdjustment.business_date <= as_of
    owed = type_coerce(
        Invoice.amount - _total(Payment.principal_part, paid_by)
        - _total(CreditNote.amount, CreditNote.issued_on <= as_of)
        + _total(PenaltyAccrual.amount, PenaltyAccrual.day <= as_of)
        - _total(PenaltyCorrection.amount, PenaltyCorrection.day <= as_of)
        - _total(InvoiceAdjustment.amount, InvoiceAdjustment.kind == "waive_penalty", made_by)
        - _total(Payment.penalty_part, paid_by), Money())
    written_off = (select(InvoiceAdjustment.id)
                   .where(InvoiceAdjustment.invoice_id == Invoice.id,
                          InvoiceAdjustment.kind == "write_off", made_by)
                   .correlate(Invoice).exists())
    status = case((written_off, "written_off"), else_="open")
    inner = (select(Customer.id, Customer.name, Customer.currency, Invoice.due_date,
                    status.label("status"), owed.label("owed"))
             .join_from(Invoice, Customer, Customer.id == Invoice.customer_id)
             .where(Invoice.issue_date <= as_of))
    if customer_ids is not None:
        inner = inner.where(Invoice.customer_id.in_(customer_ids))
    rows = inner.subquery()
    keys = (rows.c.id, rows.c.name, rows.c.currency, rows.c.due_date, rows.c.status)
    return (select(*keys, type_coerce(func.sum(rows.c.owed), Money()))
            .where(rows.c.owed > 0).group_by(*keys).order_by(rows.c.id))


def customers_aging(session: Session | Connection, as_of: date, classify: Classify | None,
                    customer_ids: Sequence[str] | None = None, *, past: bool = False
                    ) -> Iterator[CustomerAging]:
    """Aging totals of each customer with aged invoices, by customer id (streamed).

    ``past``: ``as_of`` is before today, so the balances are rebuilt as they stood then
    (``_grouped_as_of``) instead of read from the invoices' running totals."""
    if past:
        query = _grouped_as_of(as_of, customer_ids)
    else:
        query = (_grouped(Customer.id, Customer.name, Customer.currency)
                 .join(Customer, Customer.id == Invoice.customer_id).order_by(Customer.id))
        if customer_ids is not None:
            query = query.where(among(session, Invoice.customer_id, customer_ids))
    query = query.execution_options(yield_per=2000)
    current: CustomerAging | None = None
    for customer_id, name, currency, due_date, status, amount in session.execute(query):
        if current is None or current.customer_id != customer_id:
            if current is not None:
                yield current
            current = CustomerAging(customer_id, name, currency,
                                    AgingTotals(classify, currency))
        current.totals.add(in_currency(amount, currency), (as_of - due_date).days,
                           status == "written_off")
    if current is not None:
        yield current


def customer_buckets(session: Session | Connection, customer_id: str, as_of: date,
                     *, past: bool = False) -> dict[str, Decimal]:
    """One customer's receivables per aging bucket (the credit view); ``past`` as in
    ``customers_aging``."""
    for found in customers_aging(session, as_of, None, [customer_id], past=past):
        return found.totals.buckets
    return AgingTotals().buckets
