"""The daily exposure history a review's utilization averages, read for a batch at once.

Open principal comes from the book's invoices (``domain.review.principal_changes``); the
rest of the exposure is read here, for every customer of a batch due for review in one
query per source (not one per customer): penalty accrued and paid, waived, written off
(with later recoveries) and reserved orders.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from policy_service.db.among import among
from policy_service.db.models import CreditCheck, CreditCheckEvent, Invoice, Payment
from policy_service.db.models_receivables import InvoiceAdjustment, PenaltyAccrual
from policy_service.domain.review import Change, reservation_changes, write_off_changes

IN_CHUNK = 2000  # customer ids per IN (...) list


def _chunks(items: list[str], size: int = IN_CHUNK) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def exposure_changes(session: Session, customer_ids: list[str], as_of: date
                     ) -> dict[str, list[Change]]:
    """Per customer, the exposure besides open principal as it changed day by day up to
    ``as_of``: penalty accrued (+, on its day), paid (−, on the payment's value date) and
    waived (−, on the waiver's business date), written off (−, what was still owed, on
    the write-off's business date, recoveries paid later put back), and reserved orders
    (each change of a credit check's reservation on the business date it happened)."""
    found: dict[str, list[Change]] = {c: [] for c in customer_ids}
    for chunk in _chunks(customer_ids):
        _read(session, chunk, as_of, found)
    return {c: [(day, Decimal(amount)) for day, amount in changes if amount]
            for c, changes in found.items()}


def _read(session: Session, ids: list[str], as_of: date, found: dict[str, list[Change]]
          ) -> None:
    a, p, w, e = PenaltyAccrual, Payment, InvoiceAdjustment, CreditCheckEvent
    for customer_id, day, amount in session.execute(
            select(a.customer_id, a.day, func.sum(a.amount))
            .where(among(session, a.customer_id, ids), a.day <= as_of)
            .group_by(a.customer_id, a.day)):
        found[customer_id].append((day, amount))
    for customer_id, day, amount in session.execute(
            select(Invoice.customer_id, p.paid_at, func.sum(p.penalty_part))
            .join(Invoice, Invoice.id == p.invoice_id)
            .where(among(session, Invoice.customer_id, ids), p.paid_at <= as_of)
            .group_by(Invoice.customer_id, p.paid_at)):
        found[customer_id].append((day, -amount))
    write_offs: list[tuple[str, str, date, Decimal]] = []
    for customer_id, invoice_id, kind, business_date, at, amount in session.execute(
            select(Invoice.customer_id, w.invoice_id, w.kind, w.business_date, w.at, w.amount)
            .join(Invoice, Invoice.id == w.invoice_id)
            .where(among(session, Invoice.customer_id, ids),
                   w.kind.in_(("waive_penalty", "write_off")))
            .order_by(w.id)):
        if kind == "waive_penalty":
            found[customer_id].append((business_date or at.date(), -amount))
        else:
            write_offs.append((customer_id, invoice_id, business_date or at.date(), amount))
    paid: dict[str, list[tuple[date, Decimal, Decimal]]] = {}
    if write_offs:
        for invoice_id, paid_at, principal, penalty in session.execute(
                select(p.invoice_id, p.paid_at, p.principal_part, p.penalty_part)
                .where(among(session, p.invoice_id, sorted({i for _, i, _, _ in write_offs})))):
            paid.setdefault(invoice_id, []).append((paid_at, principal, penalty))
    for customer_id, invoice_id, written_off, owed in write_offs:
        found[customer_id] += write_off_changes(written_off, owed, paid.get(invoice_id, ()))
    events: dict[str, list[tuple[str, date, Decimal]]] = {}
    for customer_id, decision_id, happened_on, at, reserved in session.execute(
            select(CreditCheck.customer_id, e.decision_id, e.business_date, e.at,
                   e.reserved_amount)
            .join(CreditCheck, CreditCheck.decision_id == e.decision_id)
            .where(among(session, CreditCheck.customer_id, ids)).order_by(e.id)):
        events.setdefault(customer_id, []).append((decision_id, happened_on or at.date(), reserved))
    for customer_id, history in events.items():
        found[customer_id] += reservation_changes(history)
