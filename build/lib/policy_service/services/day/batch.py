"""One batch of customers in the day's run: accrue, dun, flag, review and age, then write.

The hot path is set-based: a batch's book is read with a handful of Core queries
(``books.py``), the rule sets are evaluated once per distinct value of the facts their
conditions read (``context.RunContext.matched``), and every new row of the batch is
written at its end with one bulk statement per table (penalty days by COPY on
PostgreSQL). Customers stay ORM objects (locked on PostgreSQL) for status and review dates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm import Session

from policy_service.db.models import Invoice, table_of
from policy_service.db.models_receivables import (
    AgingSnapshot,
    BlacklistCandidate,
    DunningStep,
    LegalCase,
    OutboxMessage,
    PenaltyAccrual,
)
from policy_service.domain import blacklist, escalation, penalty
from policy_service.domain.account_facts import customer_group, escalation_facts, penalty_facts
from policy_service.domain.aging import AgingTotals
from policy_service.domain.money import to_minor_units
from policy_service.domain.outstanding import net_amount, open_principal
from policy_service.domain.penalty import PenaltyTerms
from policy_service.domain.review import InvoiceHistory
from policy_service.language.rendering import render_messages
from policy_service.services.collections.day import review_plans
from policy_service.services.day import alerting
from policy_service.services.day.books import Book, BookInvoice
from policy_service.services.day.context import RunContext
from policy_service.services.day.exposure import exposure_changes
from policy_service.services.day.reviews import review_customer
from policy_service.services.outbox import messages
from policy_service.services.receivables import stop_supply
from policy_service.services.receivables.aging import customers_aging

_INVOICES = table_of(Invoice)
_ACCRUALS = table_of(PenaltyAccrual)
_ACCRUAL_COLUMNS = ("invoice_id", "customer_id", "day", "base", "amount", "ruleset_version",
                    "rule")


@dataclass
class Writes:
    """A batch's new rows, written at its end with one bulk statement per table."""

    accruals: list[tuple[Any, ...]] = field(default_factory=list)
    accrued: dict[str, Decimal] = field(default_factory=dict)
    steps: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    legal: list[dict[str, Any]] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)


def terms_of(ctx: RunContext, book: Book, invoice: BookInvoice) -> PenaltyTerms | None:
    """The invoice's penalty terms, chosen once per batch (accrual and dunning share them)."""
    if invoice.id in book.terms:
        return book.terms[invoice.id]
    grace_days = ctx.grace_days.get(book.customer.tier_code, 0)
    terms = book.terms[invoice.id] = ctx.penalty_terms(
        penalty_facts(book.customer, invoice, grace_days))
    return terms


def accrue_penalties(ctx: RunContext, book: Book, out: Writes) -> None:
    """Bring each overdue invoice's daily penalty up to the run's date."""
    for invoice in book.invoices:
        if invoice.status != "open" or invoice.due_date >= ctx.as_of \
                or open_principal(invoice) <= 0 \
                or book.collections.kept(invoice.id) is not None:
            continue
        terms = terms_of(ctx, book, invoice)
        if terms is None or invoice.penalty_accrued >= terms.cap(net_amount(invoice),
                                                                    invoice.currency):
            continue
        accruals = penalty.accrue(
            terms, invoice.amount, invoice.due_date, accrued=invoice.penalty_accrued,
            after=book.last_accrued.get(invoice.id), through=ctx.as_of,
            principal_paid_on=penalty.paid_by(book.payments[invoice.id]
                                              + book.credits.get(invoice.id, [])),
            currency=invoice.currency,
            excluded_on=book.collections.excluded_on(invoice), cap_amount=net_amount(invoice))
        if not accruals:
            continue
        for a in accruals:
            out.accruals.append((invoice.id, book.customer.id, a.day, a.base, a.amount,
                                 ctx.penalty.version, terms.rule))
            invoice.penalty_accrued += a.amount
        out.accrued[invoice.id] = invoice.penalty_accrued
        ctx.counts["penalty_days"] += len(accruals)


def dun(ctx: RunContext, book: Book, out: Writes) -> None:
    """Record new dunning steps, queue the most advanced customer message and internal task,
    apply the steps' actions."""
    ruleset = ctx.escalation.compiled.ruleset
    cause: BookInvoice | None = None
    for invoice in book.invoices:
        if invoice.status != "open" or book.collections.exempt(invoice, ctx.as_of):
            continue
        facts = escalation_facts(book.customer, invoice, ctx.as_of, terms_of(ctx, book, invoice))
        facts["invoice"]["outstanding"] -= book.collections.disputed(invoice, ctx.as_of)
        plan = escalation.plan(ctx.due_steps(facts), book.done.get(invoice.id, ()))
        for step in plan.record:
            out.steps.append({
                "invoice_id": invoice.id, "customer_id": book.customer.id, "rule": step.rule,
                "step": step.step, "channels": list(step.channels),
                "actions": list(step.actions), "done_on": ctx.as_of,
                "message_sent": plan.sent(step), "ruleset_version": ctx.escalation.version})
            ctx.counts["dunning_steps"] += 1
        for send in plan.sends:
            body = render_messages(send.step.message, ruleset.vocabulary, facts)
            for channel in send.channels:
                out.messages.append(messages.message_row(
                    book.customer, f"dunning:{invoice.id}:{send.step.rule}:{channel}",
                    channel, f"{send.step.step} {invoice.id}", body, invoice.id))
                ctx.counts["messages"] += 1
        if "legal_case" in plan.actions and invoice.id not in book.legal:
            out.legal.append({"invoice_id": invoice.id, "customer_id": book.customer.id,
                              "opened_on": ctx.as_of, "amount": invoice.outstanding,
                              "status": "open", "ruleset_version": ctx.escalation.version})
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
    return [InvoiceHistory(net_amount(i), i.issue_date, i.due_date, i.status, i.outstanding,
                           tuple(book.payments[i.id]), i.id, tuple(book.credits.get(i.id, ())))
            for i in book.invoices]


def flag_blacklist(ctx: RunContext, book: Book, out: Writes) -> None:
    """Flag a customer whose late invoices reach a blacklist_watch rule's count.

    Once while a flag waits or after a blacklisting; after a dismissal only when a late
    invoice that was not part of the dismissed evidence helps reach the count again.
    """
    if book.flagged or book.customer.status == "blacklisted":
        return
    customer = customer_group(book.customer)
    found = blacklist.flag(ctx.watch.compiled.ruleset, histories(book), book.customer.currency,
                           customer, ctx.as_of, lambda facts: ctx.matched(ctx.watch, facts),
                           book.dismissed)
    if found is not None:
        out.candidates.append({"customer_id": book.customer.id, "flagged_on": ctx.as_of,
                               "late_invoices": found.late_invoices, "status": "pending",
                               "evidence": list(found.evidence)})
        book.flagged = True
        ctx.counts["blacklist_candidates"] += 1


def age(session: Session, ctx: RunContext, books: Iterable[Book]) -> None:
    """Snapshot each customer's aging and provision as of the run's date (once per date).

    After the batch's writes, so today's penalty counts; through the one aging aggregation.
    """
    ids = [book.customer.id for book in books if not book.aged]
    if not ids:
        return
    found = {a.customer_id: a.totals
             for a in customers_aging(session, ctx.as_of, ctx.classify, ids,
                                      past=ctx.backdated)}
    rows = []
    for customer_id in ids:
        totals = found.get(customer_id) or AgingTotals(ctx.classify)
        rows.append({"customer_id": customer_id, "as_of": ctx.as_of,
                     "buckets": {k: str(v) for k, v in totals.buckets.items()},
                     "provision": totals.provision_total})
    session.execute(insert(AgingSnapshot), rows)


def write_accruals(session: Session, rows: list[tuple[Any, ...]]) -> None:
    """Insert penalty days in bulk: COPY on PostgreSQL, one executemany on SQLite."""
    if not rows:
        return
    connection = session.connection()
    driver = connection.connection.driver_connection
    if driver is None:  # pragma: no cover - only a closed connection has none
        raise RuntimeError("the session's connection is closed")
    if connection.dialect.name == "postgresql":
        with driver.cursor() as cursor, cursor.copy(
                f"COPY {_ACCRUALS.name} ({', '.join(_ACCRUAL_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    elif connection.dialect.name == "sqlite":
        # The Money and Date columns as SQLAlchemy stores them on SQLite: integer cents
        # and ISO dates (what the ORM would bind), without per-value type processing.
        placeholders = ", ".join("?" * len(_ACCRUAL_COLUMNS))
        driver.cursor().executemany(
            f"INSERT INTO {_ACCRUALS.name} ({', '.join(_ACCRUAL_COLUMNS)}) "
            f"VALUES ({placeholders})",
            [(i, c, d.isoformat(), to_minor_units(b), to_minor_units(a), v, r)
             for i, c, d, b, a, v, r in rows])
    else:  # pragma: no cover - other dialects take the portable path
        session.execute(insert(_ACCRUALS), [dict(zip(_ACCRUAL_COLUMNS, r, strict=True))
                                            for r in rows])


def write(session: Session, out: Writes) -> None:
    """The batch's new rows and the invoices' new running penalty totals."""
    write_accruals(session, out.accruals)
    if out.accrued:
        session.execute(
            update(_INVOICES).where(_INVOICES.c.id == bindparam("b_id"))
            .values(penalty_accrued=bindparam("b_total", type_=_INVOICES.c.penalty_accrued.type)),
            [{"b_id": k, "b_total": v} for k, v in out.accrued.items()])
    for model, rows in ((DunningStep, out.steps), (OutboxMessage, out.messages),
                        (LegalCase, out.legal), (BlacklistCandidate, out.candidates)):
        if rows:
            session.execute(insert(table_of(model)), rows)


def process(session: Session, ctx: RunContext, books: Iterable[Book]) -> None:
    """Everything the day does for a batch of customers, in this order.

    Reviews come after the batch's writes, so a review's utilization counts today's
    penalty days (it reads the customer's daily exposure from the database)."""
    out = Writes()
    books = list(books)
    for book in books:
        review_plans(session, ctx, book)
        accrue_penalties(ctx, book, out)
        dun(ctx, book, out)
        flag_blacklist(ctx, book, out)
        ctx.counts["customers"] += 1
    write(session, out)
    due = [book for book in books
           if book.customer.next_review_date <= ctx.as_of and not book.pending_review]
    if due:  # the exposure histories of the batch's reviews, in one query per source
        history = exposure_changes(session, [book.customer.id for book in due], ctx.as_of)
    for book in due:
        review_customer(session, ctx.review, book.customer, histories(book),
                        history[book.customer.id], ctx.as_of, ctx.matched)
        ctx.counts["reviews"] += 1
    age(session, ctx, books)
    alerting.warn(session, ctx, books)


