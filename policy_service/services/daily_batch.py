"""One batch of customers in the day's run: load their book, then accrue, dun, review and age."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import Session

from policy_service.db.models import Customer, Invoice, Payment
from policy_service.db.models_receivables import (
    AgingSnapshot,
    BlacklistCandidate,
    DunningStep,
    LegalCase,
    PenaltyAccrual,
)
from policy_service.domain import escalation, penalty
from policy_service.domain.aging import AgingTotals
from policy_service.domain.review import InvoiceHistory, count_late
from policy_service.engine import RuleEngine
from policy_service.language.compiler import encode_facts
from policy_service.language.reference import render_template
from policy_service.services import outbox, stop_supply
from policy_service.services.account_facts import escalation_facts, penalty_facts
from policy_service.services.reviews import ReviewContext, review_customer
from policy_service.services.rulesets import ActiveRuleSet

HISTORY_DAYS = 400
BLACKLIST_LATE_DAYS = 30
BLACKLIST_MIN_INVOICES = 3


@dataclass
class RunContext:
    """What every batch of one run shares: the date, the rule set versions, the engine."""

    as_of: date
    backdated: bool
    engine: RuleEngine
    penalty: ActiveRuleSet
    escalation: ActiveRuleSet
    review: ReviewContext
    counts: Counter[str] = field(default_factory=Counter)
    memo: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def matched(self, active: ActiveRuleSet, facts: dict[str, Any]) -> list[str]:
        """The engine's matched rules, memoised per identical encoded facts within the run."""
        encoded = encode_facts(active.compiled.ruleset.vocabulary, facts)
        key = (active.name, json.dumps(encoded, sort_keys=True))
        hit = self.memo.get(key)
        if hit is None:
            hit = self.memo[key] = self.engine.evaluate(active.name, encoded)
        return hit


@dataclass
class Book:
    """One customer's invoices, payments and what earlier runs already did."""

    customer: Customer
    invoices: list[Invoice] = field(default_factory=list)
    payments: dict[str, list[tuple[date, Decimal]]] = field(default_factory=dict)
    last_accrued: dict[str, date] = field(default_factory=dict)
    done: dict[str, set[str]] = field(default_factory=dict)
    legal: set[str] = field(default_factory=set)
    flagged: bool = False
    aged: bool = False


def load_books(session: Session, ids: list[str], as_of: date, lock: bool) -> list[Book]:
    """Load a batch of customers (locked on PostgreSQL) with everything the day needs."""
    query = select(Customer).where(Customer.id.in_(ids)).order_by(Customer.id)
    if lock:
        query = query.with_for_update(of=Customer)
    books = {c.id: Book(c) for c in session.scalars(query)}
    relevant = or_(Invoice.status == "open",
                   Invoice.due_date > as_of - timedelta(days=HISTORY_DAYS))
    for invoice in session.scalars(select(Invoice).where(Invoice.customer_id.in_(ids), relevant)
                                   .order_by(Invoice.due_date, Invoice.id)):
        books[invoice.customer_id].invoices.append(invoice)
    payments: dict[str, list[tuple[date, Decimal]]] = defaultdict(list)
    for invoice_id, paid_at, part in session.execute(
            select(Payment.invoice_id, Payment.paid_at, Payment.principal_part)
            .join(Invoice, Invoice.id == Payment.invoice_id)
            .where(Invoice.customer_id.in_(ids), relevant)):
        payments[invoice_id].append((paid_at, part))
    for book in books.values():
        book.payments = {i.id: payments.get(i.id, []) for i in book.invoices}
    owner = {i.id: books[i.customer_id] for b in books.values() for i in b.invoices}
    for invoice_id, last in session.execute(
            select(PenaltyAccrual.invoice_id, func.max(PenaltyAccrual.day))
            .where(PenaltyAccrual.customer_id.in_(ids)).group_by(PenaltyAccrual.invoice_id)):
        if invoice_id in owner:
            owner[invoice_id].last_accrued[invoice_id] = last
    for invoice_id, rule in session.execute(select(DunningStep.invoice_id, DunningStep.rule)
                                            .where(DunningStep.customer_id.in_(ids))):
        if invoice_id in owner:
            owner[invoice_id].done.setdefault(invoice_id, set()).add(rule)
    for customer_id, invoice_id in session.execute(
            select(LegalCase.customer_id, LegalCase.invoice_id)
            .where(LegalCase.customer_id.in_(ids))):
        books[customer_id].legal.add(invoice_id)
    for (customer_id,) in session.execute(select(BlacklistCandidate.customer_id)
                                          .where(BlacklistCandidate.customer_id.in_(ids))):
        books[customer_id].flagged = True
    for (customer_id,) in session.execute(select(AgingSnapshot.customer_id).where(
            AgingSnapshot.customer_id.in_(ids), AgingSnapshot.as_of == as_of)):
        books[customer_id].aged = True
    return list(books.values())


def accrue_penalties(session: Session, ctx: RunContext, book: Book) -> None:
    """Bring each overdue invoice's daily penalty up to the run's date."""
    rows: list[dict[str, Any]] = []
    for invoice in book.invoices:
        if invoice.status != "open" or invoice.due_date >= ctx.as_of \
                or invoice.principal_paid >= invoice.amount:
            continue
        matched = ctx.matched(ctx.penalty, penalty_facts(book.customer, invoice))
        terms = penalty.choose_terms(ctx.penalty.compiled.ruleset, matched)
        if terms is None or invoice.penalty_accrued >= terms.cap(invoice.amount):
            continue
        accruals = penalty.accrue(
            terms, invoice.amount, invoice.due_date, accrued=invoice.penalty_accrued,
            after=book.last_accrued.get(invoice.id), through=ctx.as_of,
            principal_paid_on=penalty.paid_by(book.payments[invoice.id]))
        for a in accruals:
            rows.append({"invoice_id": invoice.id, "customer_id": book.customer.id,
                         "day": a.day, "base": a.base, "amount": a.amount,
                         "ruleset_version": ctx.penalty.version, "rule": terms.rule})
            invoice.penalty_accrued += a.amount
    if rows:
        session.execute(insert(PenaltyAccrual), rows)
        ctx.counts["penalty_days"] += len(rows)


def dun(session: Session, ctx: RunContext, book: Book) -> None:
    """Record new dunning steps, queue the most advanced message, apply the steps' actions."""
    ruleset = ctx.escalation.compiled.ruleset
    cause: Invoice | None = None
    for invoice in book.invoices:
        if invoice.status != "open":
            continue
        facts = escalation_facts(book.customer, invoice, ctx.as_of)
        due = escalation.due_steps(ruleset, ctx.matched(ctx.escalation, facts))
        plan = escalation.plan(due, book.done.get(invoice.id, ()))
        for step in plan.record:
            session.add(DunningStep(
                invoice_id=invoice.id, customer_id=book.customer.id, rule=step.rule,
                step=step.step, channels=list(step.channels), actions=list(step.actions),
                done_on=ctx.as_of, message_sent=step is plan.message,
                ruleset_version=ctx.escalation.version))
            ctx.counts["dunning_steps"] += 1
        if plan.message is not None:
            body = {lang: render_template(text, ruleset.vocabulary, facts)
                    for lang, text in plan.message.message.items()}
            for channel in plan.message.channels:
                outbox.enqueue(session, book.customer,
                               f"dunning:{invoice.id}:{plan.message.rule}:{channel}", channel,
                               f"{plan.message.step} {invoice.id}", body, invoice.id)
                ctx.counts["messages"] += 1
        if "legal_case" in plan.actions and invoice.id not in book.legal:
            session.add(LegalCase(invoice_id=invoice.id, customer_id=book.customer.id,
                                  opened_on=ctx.as_of, amount=invoice.outstanding,
                                  status="open"))
            book.legal.add(invoice.id)
            ctx.counts["legal_cases"] += 1
        if "stop_supply" in plan.actions and cause is None:
            cause = invoice
    if cause is not None:
        ctx.counts["stop_supply_set"] += stop_supply.stop(book.customer, cause.id, ctx.as_of)
    elif not ctx.backdated:
        ctx.counts["stop_supply_lifted"] += stop_supply.lift(book.customer, ctx.as_of)


def histories(book: Book) -> list[InvoiceHistory]:
    """The book's invoices as the review and blacklist arithmetic sees them."""
    return [InvoiceHistory(i.amount, i.issue_date, i.due_date, i.status, i.outstanding,
                           tuple(book.payments[i.id])) for i in book.invoices]


def flag_blacklist(session: Session, ctx: RunContext, book: Book) -> None:
    """Flag a customer with too many invoices far too late within a year (once)."""
    if book.flagged or book.customer.status == "blacklisted":
        return
    late = count_late(histories(book), ctx.as_of, BLACKLIST_LATE_DAYS)
    if late >= BLACKLIST_MIN_INVOICES:
        session.add(BlacklistCandidate(customer_id=book.customer.id, flagged_on=ctx.as_of,
                                       late_invoices=late, status="pending"))
        book.flagged = True
        ctx.counts["blacklist_candidates"] += 1


def age(session: Session, ctx: RunContext, book: Book) -> None:
    """Snapshot the customer's aging and provision as of the run's date (once per date)."""
    if book.aged:
        return
    totals = AgingTotals()
    for invoice in book.invoices:
        if invoice.status == "open":
            totals.add(invoice.outstanding, (ctx.as_of - invoice.due_date).days)
    session.add(AgingSnapshot(customer_id=book.customer.id, as_of=ctx.as_of,
                              buckets={k: str(v) for k, v in totals.buckets.items()},
                              provision=totals.provision_total))


def process(session: Session, ctx: RunContext, books: list[Book]) -> None:
    """Everything the day does for a batch of customers, in this order."""
    for book in books:
        accrue_penalties(session, ctx, book)
        session.flush()
        dun(session, ctx, book)
        flag_blacklist(session, ctx, book)
        if book.customer.next_review_date <= ctx.as_of:
            review_customer(session, ctx.review, book.customer, histories(book), ctx.as_of,
                            ctx.matched)
            ctx.counts["reviews"] += 1
        age(session, ctx, book)
        ctx.counts["customers"] += 1
