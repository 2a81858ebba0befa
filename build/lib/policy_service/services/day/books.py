"""A batch's book: its customers, invoices, payments and earlier effects, read with Core."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from policy_service.db.among import among
from policy_service.db.models import Customer, Invoice, Payment
from policy_service.db.models_collections import CreditNote
from policy_service.db.models_receivables import (
    AgingSnapshot,
    BlacklistCandidate,
    CreditReview,
    DunningStep,
    LegalCase,
    PenaltyAccrual,
)
from policy_service.domain.outstanding import outstanding
from policy_service.domain.penalty import PenaltyTerms
from policy_service.services.collections import effects as collections
from policy_service.services.day.context import HISTORY_DAYS

IN_CHUNK = 5000  # ids per IN (...) list: far below SQLite's and PostgreSQL's parameter limits


_INVOICES = Invoice.__table__
_ACCRUALS = PenaltyAccrual.__table__


@dataclass(slots=True)
class BookInvoice:
    """What the day reads and changes of an invoice (a plain row, not an ORM object)."""

    id: str
    customer_id: str
    amount: Decimal
    currency: str
    issue_date: date
    due_date: date
    credited: Decimal
    principal_paid: Decimal
    penalty_accrued: Decimal
    penalty_waived: Decimal
    penalty_paid: Decimal
    status: str

    @property
    def outstanding(self) -> Decimal:
        """Unpaid principal plus unpaid, unwaived penalty (domain.outstanding)."""
        owed: Decimal = outstanding(self)
        return owed


@dataclass
class Book:
    """One customer's invoices, payments and what earlier runs already did."""

    customer: Customer
    invoices: list[BookInvoice] = field(default_factory=list)
    payments: dict[str, list[tuple[date, Decimal]]] = field(default_factory=dict)
    credits: dict[str, list[tuple[date, Decimal]]] = field(default_factory=dict)  # notes
    last_accrued: dict[str, date] = field(default_factory=dict)
    done: dict[str, set[str]] = field(default_factory=dict)
    legal: set[str] = field(default_factory=set)
    flagged: bool = False  # a candidate waits or the customer was blacklisted on one
    dismissed: frozenset[str] = frozenset()  # evidence of dismissed candidates
    aged: bool = False
    pending_review: bool = False
    terms: dict[str, PenaltyTerms | None] = field(default_factory=dict)  # by invoice, per batch
    collections: collections.Effects = field(default_factory=collections.Effects)


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), IN_CHUNK):
        yield items[start:start + IN_CHUNK]


def load_books(session: Session, ids: list[str], as_of: date,
               history_days: int = HISTORY_DAYS) -> list[Book]:
    """Load a batch of customers (locked; see lock_customer) with everything the day needs.

    That is every open invoice and every other invoice due in the last ``history_days``.
    """
    query = (select(Customer).where(among(session, Customer.id, ids)).order_by(Customer.id)
             .with_for_update(of=Customer))
    books = {c.id: Book(c) for c in session.scalars(query)}
    t = _INVOICES.c
    relevant = or_(t.status == "open", t.due_date > as_of - timedelta(days=history_days))
    owner: dict[str, Book] = {}
    for row in session.execute(
            select(t.id, t.customer_id, t.amount, t.currency, t.issue_date, t.due_date,
                   t.credited, t.principal_paid, t.penalty_accrued, t.penalty_waived,
                   t.penalty_paid, t.status)
            .where(among(session, t.customer_id, ids), relevant).order_by(t.due_date, t.id)).all():
        invoice = BookInvoice(*tuple(row))
        book = books[invoice.customer_id]
        book.invoices.append(invoice)
        book.payments[invoice.id] = []
        owner[invoice.id] = book
    p = Payment.__table__.c
    # By the invoices just read, through the payments' invoice index: joined back to the
    # customers instead, PostgreSQL hashes a scan of the whole payments table every batch.
    for chunk in _chunks(list(owner)):
        for invoice_id, paid_at, part in session.execute(
                select(p.invoice_id, p.paid_at, p.principal_part)
                .where(among(session, p.invoice_id, chunk))).all():
            owner[invoice_id].payments[invoice_id].append((paid_at, part))
    notes = CreditNote.__table__.c
    for invoice_id, issued_on, amount in session.execute(
            select(notes.invoice_id, notes.issued_on, notes.amount)
            .where(among(session, notes.customer_id, ids))).all():
        if invoice_id in owner:
            owner[invoice_id].credits.setdefault(invoice_id, []).append((issued_on, amount))
    open_ids = [i.id for b in books.values() for i in b.invoices if i.status == "open"]
    overdue = [i.id for b in books.values() for i in b.invoices
               if i.status == "open" and i.due_date < as_of]
    for chunk in _chunks(overdue):
        for invoice_id, last in session.execute(
                select(_ACCRUALS.c.invoice_id, func.max(_ACCRUALS.c.day))
                .where(among(session, _ACCRUALS.c.invoice_id, chunk))
                .group_by(_ACCRUALS.c.invoice_id)):
            owner[invoice_id].last_accrued[invoice_id] = last
    steps = DunningStep.__table__.c
    legal = LegalCase.__table__.c
    for chunk in _chunks(open_ids):
        for invoice_id, rule in session.execute(
                select(steps.invoice_id, steps.rule)
                .where(among(session, steps.invoice_id, chunk))):
            owner[invoice_id].done.setdefault(invoice_id, set()).add(rule)
        for (invoice_id,) in session.execute(
                select(legal.invoice_id).where(among(session, legal.invoice_id, chunk))):
            owner[invoice_id].legal.add(invoice_id)
    candidates = BlacklistCandidate.__table__.c
    for customer_id, status, evidence in session.execute(
            select(candidates.customer_id, candidates.status, candidates.evidence)
            .where(among(session, candidates.customer_id, ids))):
        book = books[customer_id]
        if status == "dismissed":
            book.dismissed = book.dismissed | frozenset(evidence or ())
        else:
            book.flagged = True
    reviews = CreditReview.__table__.c
    for (customer_id,) in session.execute(select(reviews.customer_id).where(
            among(session, reviews.customer_id, ids), reviews.status == "pending")):
        books[customer_id].pending_review = True
    aging = AgingSnapshot.__table__.c
    for (customer_id,) in session.execute(select(aging.customer_id).where(
            among(session, aging.customer_id, ids), aging.as_of == as_of)):
        books[customer_id].aged = True
    for customer_id, found in collections.load(session, ids).items():
        books[customer_id].collections = found
    return list(books.values())
