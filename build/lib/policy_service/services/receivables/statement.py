"""The statement of account (对账单) of a customer for a period: JSON body and CSV.

The entries come from ``SOURCES``, one function per kind of line, each reading its own
table for the customer up to the period's end; ``domain.statement.build`` folds them into
opening, lines and closing. A new line type is one more source appended to ``SOURCES``.
An invoice's line keeps the amount it was issued with; its credit notes are lines of
their own (credits on their issue date). Dates of adjustments (waivers, write-offs),
which are stored as times, are taken in the business time zone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from policy_service.db.models import Customer, Invoice, Payment
from policy_service.db.models_collections import CreditNote
from policy_service.db.models_receivables import (
    InvoiceAdjustment,
    PenaltyAccrual,
    PenaltyCorrection,
)
from policy_service.domain.money import to_wire
from policy_service.domain.statement import Entry, Statement, build, penalty_day, period_problem
from policy_service.services.credit.customers import get_customer
from policy_service.services.errors import Forbidden, Invalid
from policy_service.services.receivables.aging import customer_buckets
from policy_service.services.spreadsheet import amount_cell, csv_text
from policy_service.services.unit_of_work import UnitOfWork

CSV_COLUMNS = ("date", "type", "ref", "description_zh", "description_en", "debit", "credit",
               "balance", "currency")


@dataclass(frozen=True)
class Period:
    """Whose statement, which days (both included), the business time zone, and for a
    sales key the owner whose customers it may read."""

    customer_id: str
    start: date
    end: date
    timezone: str = "UTC"
    owner: str | None = None

    def local_day(self, at: datetime) -> date:
        """A stored UTC time as a business date."""
        return at.astimezone(ZoneInfo(self.timezone)).date()


Source = Callable[[Session, Period], Iterator[Entry]]


def invoice_entries(session: Session, period: Period) -> Iterator[Entry]:
    """Each invoice issued by the end: a debit of its amount on its issue date."""
    rows = session.execute(select(Invoice.id, Invoice.issue_date, Invoice.amount, Invoice.due_date)
                           .where(Invoice.customer_id == period.customer_id,
                                  Invoice.issue_date <= period.end))
    for invoice_id, issued, amount, due in rows:
        yield Entry(issued, "invoice", invoice_id,
                    {"zh": f"发票 {invoice_id}，到期日 {due.isoformat()}",
                     "en": f"invoice {invoice_id}, due {due.isoformat()}"}, debit=amount)


def _written_off_at(session: Session, period: Period) -> dict[str, datetime]:
    return {invoice_id: at for invoice_id, at in session.execute(
        select(InvoiceAdjustment.invoice_id, func.min(InvoiceAdjustment.at))
        .join(Invoice, Invoice.id == InvoiceAdjustment.invoice_id)
        .where(Invoice.customer_id == period.customer_id, InvoiceAdjustment.kind == "write_off")
        .group_by(InvoiceAdjustment.invoice_id))}


def payment_entries(session: Session, period: Period) -> Iterator[Entry]:
    """Each payment by its value date: a credit; one recorded after a write-off is a recovery.

    A recovery brings the written-off debt back and pays it in one line (debit = credit):
    the written-off invoice left the balance when it was written off, and stays out.
    """
    written_off = _written_off_at(session, period)
    rows = session.execute(select(Payment.id, Payment.invoice_id, Payment.paid_at, Payment.amount,
                                  Payment.created_at)
                           .join(Invoice, Invoice.id == Payment.invoice_id)
                           .where(Invoice.customer_id == period.customer_id,
                                  Payment.paid_at <= period.end))
    for payment_id, invoice_id, paid_at, amount, recorded in rows:
        off = written_off.get(invoice_id)
        if off is not None and recorded >= off:
            yield Entry(paid_at, "recovery", payment_id,
                        {"zh": f"已核销发票 {invoice_id} 的收回款", "en":
                         f"recovery on written-off invoice {invoice_id}"},
                        debit=amount, credit=amount, order=2)
        else:
            yield Entry(paid_at, "payment", payment_id,
                        {"zh": f"付款，发票 {invoice_id}",
                         "en": f"payment on invoice {invoice_id}"},
                        credit=amount, order=2)


def penalty_entries(session: Session, period: Period) -> Iterator[Entry]:
    """Late interest: one line per invoice per month, dated the month's end (or the period's).

    Days before the period enter the opening balance as one sum.
    """
    months: dict[tuple[str, date], Decimal] = defaultdict(Decimal)
    before = Decimal(0)
    # A day's penalty is its accrual less what payments with an earlier value date
    # reversed of it (penalty_corrections, by the accrued day).
    for table, sign in ((PenaltyAccrual, 1), (PenaltyCorrection, -1)):
        where = (table.customer_id == period.customer_id, table.day <= period.end)
        before += sign * Decimal(session.scalar(select(func.sum(table.amount))
                                                .where(*where, table.day < period.start)) or 0)
        for invoice_id, day, amount in session.execute(
                select(table.invoice_id, table.day, func.sum(table.amount))
                .where(*where, table.day >= period.start).group_by(table.invoice_id, table.day)):
            months[(invoice_id, penalty_day(day, period.end))] += sign * Decimal(amount)
    if before:
        yield Entry(period.start - timedelta(days=1), "penalty", "", {"zh": "", "en": ""},
                    debit=before)
    for (invoice_id, day), amount in months.items():
        if amount:
            yield Entry(day, "penalty", invoice_id,
                        {"zh": f"发票 {invoice_id} 逾期罚款（{day:%Y-%m}）",
                         "en": f"late interest on invoice {invoice_id} ({day:%Y-%m})"},
                        debit=amount, order=1)


ADJUSTMENTS = {
    "waive_penalty": ("waiver", "减免发票 {} 的罚款", "penalty waived on invoice {}"),
    "write_off": ("write_off", "核销发票 {}（转入坏账）", "invoice {} written off to bad debt"),
}


def adjustment_entries(session: Session, period: Period) -> Iterator[Entry]:
    """Waivers and write-offs, each a credit on the business date it was made."""
    rows = session.execute(select(InvoiceAdjustment.id, InvoiceAdjustment.invoice_id,
                                  InvoiceAdjustment.kind, InvoiceAdjustment.amount,
                                  InvoiceAdjustment.at)
                           .join(Invoice, Invoice.id == InvoiceAdjustment.invoice_id)
                           .where(Invoice.customer_id == period.customer_id,
                                  InvoiceAdjustment.kind.in_(tuple(ADJUSTMENTS))))
    for adjustment_id, invoice_id, kind, amount, at in rows:
        day = period.local_day(at)
        if day > period.end:
            continue
        line_type, zh, en = ADJUSTMENTS[kind]
        yield Entry(day, line_type, f"{invoice_id}/{adjustment_id}",
                    {"zh": zh.format(invoice_id), "en": en.format(invoice_id)},
                    credit=amount, order=3)


def credit_note_entries(session: Session, period: Period) -> Iterator[Entry]:
    """Each credit note issued by the end: a credit on its business date."""
    rows = session.execute(select(CreditNote.id, CreditNote.invoice_id, CreditNote.issued_on,
                                  CreditNote.amount, CreditNote.dispute_id)
                           .where(CreditNote.customer_id == period.customer_id,
                                  CreditNote.issued_on <= period.end))
    for note_id, invoice_id, issued, amount, dispute_id in rows:
        zh = f"发票 {invoice_id} 的贷项通知单" + (f"（争议 {dispute_id}）" if dispute_id else "")
        en = f"credit note on invoice {invoice_id}" + (f" (dispute {dispute_id})"
                                                       if dispute_id else "")
        yield Entry(issued, "credit_note", f"CN-{note_id}", {"zh": zh, "en": en},
                    credit=amount, order=3)


SOURCES: list[Source] = [invoice_entries, payment_entries, penalty_entries, adjustment_entries,
                         credit_note_entries]
"""Every kind of statement line; another capability appends its own source here."""


def checked(period: Period) -> None:
    """Refuse a period that is not one (from after to, over five years) with 422."""
    problem = period_problem(period.start, period.end)
    if problem:
        raise Invalid(f"statement period: {problem}", fields={"from": [problem]})


def statement_customer(session: Session, period: Period) -> Customer:
    """The customer, or NotFound; Forbidden for a sales key that does not own it."""
    customer = get_customer(session, period.customer_id)
    if period.owner is not None and customer.owner != period.owner:
        raise Forbidden(f"customer {customer.id} is not one of {period.owner}'s customers")
    return customer


def statement_of(session: Session, period: Period) -> Statement:
    """The folded statement (within an open unit of work)."""
    entries = (entry for source in SOURCES for entry in source(session, period))
    return build(entries, period.start, period.end)


def statement(uow: UnitOfWork, period: Period) -> dict[str, Any]:
    """GET /v1/customers/{id}/statement: the contract's body."""
    checked(period)
    with uow:
        customer = statement_customer(uow.session, period)
        folded = statement_of(uow.session, period)
        aging = customer_buckets(uow.session, customer.id, period.end)
        return body(customer, folded, aging)


def body(customer: Customer, folded: Statement, aging: dict[str, Decimal]) -> dict[str, Any]:
    """The JSON shape of a statement."""
    return {
        "customer_id": customer.id, "name": customer.name, "currency": customer.currency,
        "from": folded.start.isoformat(), "to": folded.end.isoformat(),
        "opening_balance": to_wire(folded.opening), "closing_balance": to_wire(folded.closing),
        "total_debit": to_wire(folded.debits), "total_credit": to_wire(folded.credits),
        "lines": [{"date": line.entry.day.isoformat(), "type": line.entry.type,
                   "ref": line.entry.ref, "description": line.entry.description,
                   "debit": to_wire(line.entry.debit), "credit": to_wire(line.entry.credit),
                   "balance": to_wire(line.balance)} for line in folded.lines],
        "aging": {k: to_wire(v) for k, v in aging.items()},
    }


def statement_csv(document: dict[str, Any]) -> str:
    """The lines as CSV (UTF-8 with BOM): a header row, then one row per line, each amount
    in the currency's minor unit beside the currency."""
    currency = document["currency"]
    return csv_text(CSV_COLUMNS, ((
        line["date"], line["type"], line["ref"], line["description"]["zh"],
        line["description"]["en"], amount_cell(line["debit"], currency),
        amount_cell(line["credit"], currency), amount_cell(line["balance"], currency),
        currency) for line in document["lines"]))
