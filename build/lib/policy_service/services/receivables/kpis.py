"""Collection KPIs (考核) as of a date, per currency, overall and by account owner; CSV.

Everything is taken as it was known on each date: invoices issued by then, payments
with a value date by then, write-offs made by then (their business date). Receivables are
open principal; the arithmetic is ``domain.kpi``. A few grouped queries over the book.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from policy_service.db.models import Customer, Invoice, Payment
from policy_service.db.models_collections import CreditNote
from policy_service.db.models_receivables import InvoiceAdjustment
from policy_service.domain.kpi import KpiSums, figures, total
from policy_service.services.errors import Invalid
from policy_service.services.spreadsheet import amount_cell, csv_text
from policy_service.services.unit_of_work import UnitOfWork

UNASSIGNED = "unassigned"
MAX_PERIOD_DAYS = 3660
FIGURES = ("dso", "cei", "overdue_ratio", "avg_days_late", "collected", "written_off",
           "receivables", "credit_sales")
CSV_COLUMNS = ("owner", "currency", *FIGURES)
MONEY = ("collected", "written_off", "receivables", "credit_sales")
Key = tuple[str, str]  # (owner, currency)


def end_of(day: date, timezone: str) -> datetime:
    """The first instant after ``day`` in the business time zone."""
    return datetime.combine(day + timedelta(days=1), time(), ZoneInfo(timezone))


class KpiBook:
    """The grouped queries of one KPI run (kpi_history builds its monthly scans on them)."""

    def __init__(self, session: Session, timezone: str) -> None:
        self.session, self.timezone = session, timezone
        self.written_off = (select(InvoiceAdjustment.invoice_id,
                                   func.min(InvoiceAdjustment.at).label("at"))
                            .where(InvoiceAdjustment.kind == "write_off")
                            .group_by(InvoiceAdjustment.invoice_id).subquery())
        self.owner = func.coalesce(Customer.owner, UNASSIGNED)

    def alive(self, day: date) -> ColumnElement[bool]:
        """Issued by ``day`` and not written off by its end."""
        return and_(Invoice.issue_date <= day,
                    or_(self.written_off.c.at.is_(None),
                        self.written_off.c.at >= end_of(day, self.timezone)))

    def _grouped(self, amount: Any, *where: Any, payments: bool = False) -> dict[Key, Decimal]:
        query = select(self.owner, Customer.currency, func.sum(amount))
        if payments:
            query = query.select_from(Payment).join(Invoice, Invoice.id == Payment.invoice_id)
        else:
            query = query.select_from(Invoice)
        query = (query.join(Customer, Customer.id == Invoice.customer_id)
                 .outerjoin(self.written_off, self.written_off.c.invoice_id == Invoice.id)
                 .where(*where).group_by(self.owner, Customer.currency))
        return {(o, c): Decimal(v or 0) for o, c, v in self.session.execute(query)}

    def open_principal(self, day: date, *where: Any) -> dict[Key, Decimal]:
        """Open principal on ``day`` per owner and currency (optionally of some invoices):
        issued less paid (by value date) less credited (credit notes issued by then)."""
        issued = self._grouped(Invoice.amount, self.alive(day), *where)
        paid = self._grouped(Payment.principal_part, self.alive(day), Payment.paid_at <= day,
                             *where, payments=True)
        credited = self.credited(self.alive(day), CreditNote.issued_on <= day, *where)
        return {k: v - paid.get(k, Decimal(0)) - credited.get(k, Decimal(0))
                for k, v in issued.items()}

    def credited(self, *where: Any) -> dict[Key, Decimal]:
        """Σ credit notes per owner and currency."""
        query = (select(self.owner, Customer.currency, func.sum(CreditNote.amount))
                 .select_from(CreditNote).join(Invoice, Invoice.id == CreditNote.invoice_id)
                 .join(Customer, Customer.id == Invoice.customer_id)
                 .outerjoin(self.written_off, self.written_off.c.invoice_id == Invoice.id)
                 .where(*where).group_by(self.owner, Customer.currency))
        return {(o, c): Decimal(v or 0) for o, c, v in self.session.execute(query)}

    def payments(self, start: date, end: date) -> list[tuple[Key, Decimal, Decimal, int]]:
        """(key, amount, principal, days late) of each payment with a value date in the period."""
        query = (select(self.owner, Customer.currency, Payment.amount, Payment.principal_part,
                        Payment.paid_at, Invoice.due_date)
                 .select_from(Payment).join(Invoice, Invoice.id == Payment.invoice_id)
                 .join(Customer, Customer.id == Invoice.customer_id)
                 .where(Payment.paid_at > start, Payment.paid_at <= end))
        return [((o, c), amount, part, (paid - due).days)
                for o, c, amount, part, paid, due in self.session.execute(query)]

    def write_offs(self, start: date, end: date) -> dict[Key, Decimal]:
        """Amounts written off in the period (by business date)."""
        query = (select(self.owner, Customer.currency, func.sum(InvoiceAdjustment.amount))
                 .select_from(InvoiceAdjustment)
                 .join(Invoice, Invoice.id == InvoiceAdjustment.invoice_id)
                 .join(Customer, Customer.id == Invoice.customer_id)
                 .where(InvoiceAdjustment.kind == "write_off",
                        InvoiceAdjustment.at >= end_of(start, self.timezone),
                        InvoiceAdjustment.at < end_of(end, self.timezone))
                 .group_by(self.owner, Customer.currency))
        return {(o, c): Decimal(v or 0) for o, c, v in self.session.execute(query)}


def kpi_sums(session: Session, as_of: date, period_days: int, timezone: str
             ) -> dict[Key, KpiSums]:
    """The sums of every (owner, currency) with anything to show."""
    book = KpiBook(session, timezone)
    start = as_of - timedelta(days=period_days)
    rows: dict[Key, KpiSums] = defaultdict(KpiSums)
    for key, value in book.open_principal(start).items():
        rows[key].opening = value
    for key, value in book.open_principal(as_of).items():
        rows[key].closing = value
    for key, value in book.open_principal(as_of, Invoice.due_date >= as_of).items():
        rows[key].closing_current = value
    notes = book.credited(CreditNote.issued_on > start, CreditNote.issued_on <= as_of)
    for key, value in book._grouped(Invoice.amount, Invoice.issue_date > start,
                                    Invoice.issue_date <= as_of).items():
        rows[key].credit_sales = value
    for key, value in notes.items():  # net credit sales: less the period's credit notes
        rows[key].credit_sales -= value
    for key, amount, principal, days_late in book.payments(start, as_of):
        rows[key].collected += amount
        rows[key].add_payment(principal, days_late)
    for key, value in book.write_offs(start, as_of).items():
        rows[key].written_off = value
    return {k: v for k, v in rows.items() if any(vars(v).values())}


def _checked(period_days: int) -> None:
    if not 1 <= period_days <= MAX_PERIOD_DAYS:
        raise Invalid(f"period_days must be from 1 to {MAX_PERIOD_DAYS}",
                      fields={"period_days": [f"1 to {MAX_PERIOD_DAYS}"]})


def kpis(uow: UnitOfWork, as_of: date, period_days: int, timezone: str,
         owner: str | None = None) -> dict[str, Any]:
    """GET /v1/reports/kpis: overall and by owner, one set of figures per currency."""
    _checked(period_days)
    with uow:
        rows = kpi_sums(uow.session, as_of, period_days, timezone)
    if owner is not None:
        rows = {k: v for k, v in rows.items() if k[0] == owner}
    by_owner: dict[str, dict[str, Any]] = defaultdict(dict)
    for (who, currency), sums in sorted(rows.items()):
        by_owner[who][currency] = figures(sums, period_days, currency)
    return {"as_of": as_of.isoformat(), "period_days": period_days,
            "overall": overall(rows, period_days), "by_owner": dict(by_owner)}


def overall(rows: dict[Key, KpiSums], period_days: int) -> dict[str, dict[str, Any]]:
    """The figures of all owners together, per currency (amounts never mixed)."""
    by_currency: dict[str, list[KpiSums]] = defaultdict(list)
    for (_who, currency), sums in sorted(rows.items()):
        by_currency[currency].append(sums)
    return {c: figures(total(s), period_days, c) for c, s in sorted(by_currency.items())}


def kpis_csv(document: dict[str, Any]) -> str:
    """One row per owner and currency (and the overall rows, owner ``*``), UTF-8 with BOM;
    the money figures in the currency's minor unit."""
    def row(owner: str, currency: str, values: dict[str, Any]) -> list[Any]:
        return [owner, currency, *(
            "" if values[f] is None else amount_cell(values[f], currency) if f in MONEY
            else values[f] for f in FIGURES)]
    return csv_text(CSV_COLUMNS, (
        row(owner, currency, values)
        for owner, currencies in [("*", document["overall"]), *document["by_owner"].items()]
        for currency, values in currencies.items()))
