"""What a customer owes and has reserved right now: exposure and overdue.

Outstanding is ``Invoice.outstanding`` (domain.outstanding); aging is receivables/aging.py.
An amount under open dispute stays in exposure but not in the overdue figures, and an
invoice disputed in full is not overdue at all (domain.collections).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BindParameter,
    Connection,
    Date,
    and_,
    bindparam,
    case,
    func,
    not_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session, aliased

from policy_service.db.models import CreditCheck, Invoice
from policy_service.db.models_collections import Dispute, PaymentPlan
from policy_service.db.models_receivables import InvoiceAdjustment
from policy_service.db.types import Money
from policy_service.domain.money import in_currency
from policy_service.domain.remedies import OverdueInvoice

ZERO = Decimal("0.00")
WRITE_OFF_DAYS = 365  # customer.written_off_365d looks back this many days


@dataclass(frozen=True)
class Exposure:
    """信用占用: open receivables (with unpaid penalty) plus reserved orders."""

    open_receivables: Decimal
    reserved_orders: Decimal
    overdue_amount: Decimal
    oldest_days_past_due: int
    overdue_invoice_count: int
    written_off_365d: Decimal = ZERO  # written off (business dates) in the last 365 days
    disputed_amount: Decimal = ZERO
    broken_plans_365d: int = 0

    @property
    def total(self) -> Decimal:
        """Open receivables plus reserved orders."""
        return self.open_receivables + self.reserved_orders


def _disputes(customer: BindParameter[str]) -> tuple[Any, Any, Any]:
    """The open disputes of the customer's invoices (a subquery to outer-join on the invoice
    id), what they take out of each invoice (at most its unpaid principal) and whether an
    invoice is disputed in full (domain.collections: not overdue at all)."""
    disputes = (
        select(Dispute.invoice_id, func.sum(Dispute.amount).label("amount"))
        .where(Dispute.customer_id == customer, Dispute.status == "open")
        .group_by(Dispute.invoice_id).subquery()
    )
    unpaid = Invoice.open_principal
    claimed = type_coerce(func.coalesce(disputes.c.amount, 0), Money())
    disputed = type_coerce(case((claimed > unpaid, unpaid), else_=claimed), Money())
    return disputes, disputed, and_(claimed > 0, claimed >= unpaid)


def _exposure_statement() -> Any:
    """One statement for the hot path, built once: receivables, overdue, reservations and
    what was written off since ``since`` (exclusive)."""
    customer: BindParameter[str] = bindparam("customer_id")
    today = bindparam("today", type_=Date)
    since = bindparam("since", type_=Date)
    year_ago = bindparam("year_ago", type_=Date)
    reserved = (
        select(func.coalesce(func.sum(CreditCheck.reserved_amount), 0))
        .where(CreditCheck.customer_id == customer,
               CreditCheck.status.in_(("open", "released")))
        .scalar_subquery()
    )
    written = aliased(Invoice)  # its own FROM: not correlated with the open invoices below
    written_off = (
        select(func.coalesce(func.sum(InvoiceAdjustment.amount), 0))
        .join(written, written.id == InvoiceAdjustment.invoice_id)
        .where(written.customer_id == customer, InvoiceAdjustment.kind == "write_off",
               InvoiceAdjustment.business_date > since)
        .scalar_subquery()
    )
    broken = (
        select(func.count()).select_from(PaymentPlan)
        .where(PaymentPlan.customer_id == customer, PaymentPlan.status == "broken",
               PaymentPlan.ended_on > year_ago)
        .scalar_subquery()
    )
    disputes, disputed, in_full = _disputes(customer)
    overdue = Invoice.due_date < today
    counted = and_(overdue, not_(in_full))
    return select(
        func.coalesce(func.sum(Invoice.outstanding), 0),
        func.coalesce(func.sum(Invoice.outstanding - disputed).filter(overdue), 0),
        func.min(Invoice.due_date).filter(counted),
        func.count().filter(counted),
        type_coerce(reserved, Money()),
        type_coerce(written_off, Money()),
        func.coalesce(func.sum(disputed), 0),
        broken,
    ).select_from(Invoice).outerjoin(disputes, disputes.c.invoice_id == Invoice.id).where(
        Invoice.customer_id == customer, Invoice.status == "open")


_EXPOSURE = _exposure_statement()


def current_exposure(
    session: Session | Connection, customer_id: str, today: date, currency: str
) -> Exposure:
    """Exposure and overdue figures in one indexed query, in the customer's ``currency``."""
    row = session.execute(_EXPOSURE, {"customer_id": customer_id, "today": today,
                                      "since": today - timedelta(days=WRITE_OFF_DAYS),
                                      "year_ago": today - timedelta(days=365)}).one()
    oldest_due: date | None = row[2]
    return Exposure(
        open_receivables=in_currency(row[0], currency),
        reserved_orders=in_currency(row[4], currency),
        overdue_amount=in_currency(row[1], currency),
        oldest_days_past_due=(today - oldest_due).days if oldest_due else 0,
        overdue_invoice_count=int(row[3]),
        written_off_365d=in_currency(row[5], currency),
        disputed_amount=in_currency(row[6], currency),
        broken_plans_365d=int(row[7] or 0),
    )


def _overdue_statement() -> Any:
    """The overdue invoices the ``overdue.*`` facts count, oldest first, each with what is
    to collect on it: its outstanding less the amount under open dispute (an invoice
    disputed in full is left out, as the facts leave it out)."""
    customer: BindParameter[str] = bindparam("customer_id")
    disputes, disputed, in_full = _disputes(customer)
    return (
        select(Invoice.id, Invoice.outstanding - disputed, Invoice.due_date)
        .outerjoin(disputes, disputes.c.invoice_id == Invoice.id)
        .where(Invoice.customer_id == customer, Invoice.status == "open",
               Invoice.due_date < bindparam("today", type_=Date), not_(in_full))
        .order_by(Invoice.due_date, Invoice.id)
    )


_OVERDUE = _overdue_statement()


def overdue_invoices(session: Session | Connection, customer_id: str, today: date,
                     currency: str) -> list[OverdueInvoice]:
    """The customer's open overdue invoices, oldest first, with what is to collect on each
    (the undisputed part; asked only when a remedy needs them: an overdue rule fired)."""
    rows = session.execute(_OVERDUE, {"customer_id": customer_id, "today": today}).all()
    return [OverdueInvoice(row[0], in_currency(row[1], currency), (today - row[2]).days)
            for row in rows]
