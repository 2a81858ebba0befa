"""One batch of customers in the day's run: load their book, then accrue, dun, review and age.

The hot path is set-based: a batch's invoices, payments and earlier effects are read with a
handful of Core queries into plain objects, the rule sets are evaluated once per distinct
value of the facts their conditions read (``RunContext.matched``), and every new row of the
batch is written at its end with one bulk statement per table (penalty days by COPY on
PostgreSQL). Customers stay ORM objects (locked on PostgreSQL) for status and review dates.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, func, insert, or_, select, update
from sqlalchemy.orm import Session

from policy_service.db.models import Customer, Invoice, Payment
from policy_service.db.models_receivables import (
    AgingSnapshot,
    BlacklistCandidate,
    DunningStep,
    LegalCase,
    OutboxMessage,
    PenaltyAccrual,
)
from policy_service.domain import blacklist, escalation, penalty
from policy_service.domain.aging import AgingTotals, Classifier
from policy_service.domain.money import to_minor_units
from policy_service.domain.review import InvoiceHistory
from policy_service.engine import RuleEngine
from policy_service.language.ast import Name, Node
from policy_service.language.compiler import encode_facts
from policy_service.language.document import RuleSet
from policy_service.language.reference import render_template
from policy_service.services.day.facts import escalation_facts, penalty_facts
from policy_service.services.day.reviews import ReviewContext, review_customer
from policy_service.services.outbox import messages
from policy_service.services.receivables import stop_supply
from policy_service.services.rules.registry import ActiveRuleSet

HISTORY_DAYS = 400  # at least: longer when a blacklist_watch window reaches further back
IN_CHUNK = 5000  # ids per IN (...) list: far below SQLite's and PostgreSQL's parameter limits

_INVOICES = Invoice.__table__
_ACCRUALS = PenaltyAccrual.__table__
_ACCRUAL_COLUMNS = ("invoice_id", "customer_id", "day", "base", "amount", "ruleset_version",
                    "rule")


def _names(node: Any) -> Iterator[str]:
    """Every vocabulary name a condition reads."""
    if isinstance(node, Name):
        yield node.name
    elif isinstance(node, Node):
        for f in dataclasses.fields(node):
            yield from _names(getattr(node, f.name))
    elif isinstance(node, tuple):
        for item in node:
            yield from _names(item)


def condition_paths(ruleset: RuleSet) -> tuple[tuple[str, str], ...]:
    """(group, field) of every fact the rule set's conditions read, sorted."""
    names = {n for rule in ruleset.conditional_rules for n in _names(rule.when)}
    paths = []
    for name in sorted(names):
        group, _, key = name.partition(".")
        paths.append((group, key))
    return tuple(paths)


@dataclass
class RunContext:
    """What every batch of one run shares: the date, the rule set versions, the engine."""

    as_of: date
    backdated: bool
    engine: RuleEngine
    penalty: ActiveRuleSet
    escalation: ActiveRuleSet
    review: ReviewContext
    classes: ActiveRuleSet
    watch: ActiveRuleSet
    counts: Counter[str] = field(default_factory=Counter)
    memo: dict[tuple[Any, ...], list[str]] = field(default_factory=dict)
    paths: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    terms: dict[tuple[str, ...], penalty.PenaltyTerms | None] = field(default_factory=dict)
    steps: dict[tuple[str, ...], list[escalation.Step]] = field(default_factory=dict)
    classify: Classifier = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # The run's receivable classes, memoised per (days past due, written off).
        self.classify = Classifier(self.classes.compiled.ruleset,
                                   lambda facts: self.matched(self.classes, facts))

    def matched(self, active: ActiveRuleSet, facts: dict[str, Any]) -> list[str]:
        """The engine's matched rules, memoised within the run per value of the facts read.

        The engine's answer depends only on the facts the conditions name, so facts that
        agree on those (e.g. escalation: days from due; penalty: tier) share one evaluation.
        The first facts of each key are encoded (and so validated) in full.
        """
        paths = self.paths.get(active.name)
        if paths is None:
            paths = self.paths[active.name] = condition_paths(active.compiled.ruleset)
        try:
            key = (active.name, *(facts[g][k] for g, k in paths))
            hit = self.memo.get(key)
        except (KeyError, TypeError):  # incomplete facts: the engine adapter reports them
            return self.engine.evaluate(
                active.name, encode_facts(active.compiled.ruleset.vocabulary, facts))
        if hit is None:
            encoded = encode_facts(active.compiled.ruleset.vocabulary, facts)
            hit = self.memo[key] = self.engine.evaluate(active.name, encoded)
        return hit

    @property
    def history_days(self) -> int:
        """How far back (by due date) a book's settled invoices are loaded."""
        return max(HISTORY_DAYS, blacklist.longest_window(self.watch.compiled.ruleset))

    def penalty_terms(self, facts: dict[str, Any]) -> penalty.PenaltyTerms | None:
        """The penalty terms for these facts (one choice per distinct match)."""
        matched = tuple(sorted(self.matched(self.penalty, facts)))
        if matched not in self.terms:
            self.terms[matched] = penalty.choose_terms(self.penalty.compiled.ruleset, matched)
        return self.terms[matched]

    def due_steps(self, facts: dict[str, Any]) -> list[escalation.Step]:
        """The escalation steps these facts match, least to most advanced."""
        matched = tuple(sorted(self.matched(self.escalation, facts)))
        found = self.steps.get(matched)
        if found is None:
            found = self.steps[matched] = escalation.due_steps(
                self.escalation.compiled.ruleset, matched)
        return found


@dataclass(slots=True)
class BookInvoice:
    """What the day reads and changes of an invoice (a plain row, not an ORM object)."""

    id: str
    customer_id: str
    amount: Decimal
    currency: str
    issue_date: date
    due_date: date
    principal_paid: Decimal
    penalty_accrued: Decimal
    penalty_waived: Decimal
    penalty_paid: Decimal
    status: str

    @property
    def outstanding(self) -> Decimal:
        """Unpaid principal plus unpaid, unwaived penalty."""
        return (self.amount - self.principal_paid
                + self.penalty_accrued - self.penalty_waived - self.penalty_paid)


@dataclass
class Book:
    """One customer's invoices, payments and what earlier runs already did."""

    customer: Customer
    invoices: list[BookInvoice] = field(default_factory=list)
    payments: dict[str, list[tuple[date, Decimal]]] = field(default_factory=dict)
    last_accrued: dict[str, date] = field(default_factory=dict)
    done: dict[str, set[str]] = field(default_factory=dict)
    legal: set[str] = field(default_factory=set)
    flagged: bool = False
    aged: bool = False


@dataclass
class Writes:
    """A batch's new rows, written at its end with one bulk statement per table."""

    accruals: list[tuple[Any, ...]] = field(default_factory=list)
    accrued: dict[str, Decimal] = field(default_factory=dict)
    steps: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    legal: list[dict[str, Any]] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)
    aging: list[dict[str, Any]] = field(default_factory=list)


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), IN_CHUNK):
        yield items[start:start + IN_CHUNK]


def load_books(session: Session, ids: list[str], as_of: date,
               history_days: int = HISTORY_DAYS) -> list[Book]:
    """Load a batch of customers (locked; see lock_customer) with everything the day needs.

    That is every open invoice and every other invoice due in the last ``history_days``.
    """
    query = (select(Customer).where(Customer.id.in_(ids)).order_by(Customer.id)
             .with_for_update(of=Customer))
    books = {c.id: Book(c) for c in session.scalars(query)}
    t = _INVOICES.c
    relevant = or_(t.status == "open", t.due_date > as_of - timedelta(days=history_days))
    owner: dict[str, Book] = {}
    for row in session.execute(
            select(t.id, t.customer_id, t.amount, t.currency, t.issue_date, t.due_date,
                   t.principal_paid, t.penalty_accrued, t.penalty_waived, t.penalty_paid,
                   t.status)
            .where(t.customer_id.in_(ids), relevant).order_by(t.due_date, t.id)).all():
        invoice = BookInvoice(*row)
        book = books[invoice.customer_id]
        book.invoices.append(invoice)
        book.payments[invoice.id] = []
        owner[invoice.id] = book
    p = Payment.__table__.c
    for invoice_id, paid_at, part in session.execute(
            select(p.invoice_id, p.paid_at, p.principal_part)
            .join(_INVOICES, t.id == p.invoice_id)
            .where(t.customer_id.in_(ids), relevant)).all():
        owner[invoice_id].payments[invoice_id].append((paid_at, part))
    open_ids = [i.id for b in books.values() for i in b.invoices if i.status == "open"]
    overdue = [i.id for b in books.values() for i in b.invoices
               if i.status == "open" and i.due_date < as_of]
    for chunk in _chunks(overdue):
        for invoice_id, last in session.execute(
                select(_ACCRUALS.c.invoice_id, func.max(_ACCRUALS.c.day))
                .where(_ACCRUALS.c.invoice_id.in_(chunk)).group_by(_ACCRUALS.c.invoice_id)):
            owner[invoice_id].last_accrued[invoice_id] = last
    steps = DunningStep.__table__.c
    legal = LegalCase.__table__.c
    for chunk in _chunks(open_ids):
        for invoice_id, rule in session.execute(
                select(steps.invoice_id, steps.rule).where(steps.invoice_id.in_(chunk))):
            owner[invoice_id].done.setdefault(invoice_id, set()).add(rule)
        for (invoice_id,) in session.execute(
                select(legal.invoice_id).where(legal.invoice_id.in_(chunk))):
            owner[invoice_id].legal.add(invoice_id)
    candidates = BlacklistCandidate.__table__.c
    for (customer_id,) in session.execute(select(candidates.customer_id)
                                          .where(candidates.customer_id.in_(ids))):
        books[customer_id].flagged = True
    aging = AgingSnapshot.__table__.c
    for (customer_id,) in session.execute(select(aging.customer_id).where(
            aging.customer_id.in_(ids), aging.as_of == as_of)):
        books[customer_id].aged = True
    return list(books.values())


def accrue_penalties(ctx: RunContext, book: Book, out: Writes) -> None:
    """Bring each overdue invoice's daily penalty up to the run's date."""
    for invoice in book.invoices:
        if invoice.status != "open" or invoice.due_date >= ctx.as_of \
                or invoice.principal_paid >= invoice.amount:
            continue
        terms = ctx.penalty_terms(penalty_facts(book.customer, invoice))
        if terms is None or invoice.penalty_accrued >= terms.cap(invoice.amount):
            continue
        accruals = penalty.accrue(
            terms, invoice.amount, invoice.due_date, accrued=invoice.penalty_accrued,
            after=book.last_accrued.get(invoice.id), through=ctx.as_of,
            principal_paid_on=penalty.paid_by(book.payments[invoice.id]))
        if not accruals:
            continue
        for a in accruals:
            out.accruals.append((invoice.id, book.customer.id, a.day, a.base, a.amount,
                                 ctx.penalty.version, terms.rule))
            invoice.penalty_accrued += a.amount
        out.accrued[invoice.id] = invoice.penalty_accrued
        ctx.counts["penalty_days"] += len(accruals)


def dun(ctx: RunContext, book: Book, out: Writes) -> None:
    """Record new dunning steps, queue the most advanced message, apply the steps' actions."""
    ruleset = ctx.escalation.compiled.ruleset
    cause: BookInvoice | None = None
    for invoice in book.invoices:
        if invoice.status != "open":
            continue
        facts = escalation_facts(book.customer, invoice, ctx.as_of)
        plan = escalation.plan(ctx.due_steps(facts), book.done.get(invoice.id, ()))
        for step in plan.record:
            out.steps.append({
                "invoice_id": invoice.id, "customer_id": book.customer.id, "rule": step.rule,
                "step": step.step, "channels": list(step.channels),
                "actions": list(step.actions), "done_on": ctx.as_of,
                "message_sent": step is plan.message, "ruleset_version": ctx.escalation.version})
            ctx.counts["dunning_steps"] += 1
        if plan.message is not None:
            body = {lang: render_template(text, ruleset.vocabulary, facts)
                    for lang, text in plan.message.message.items()}
            for channel in plan.message.channels:
                out.messages.append(messages.message_row(
                    book.customer, f"dunning:{invoice.id}:{plan.message.rule}:{channel}",
                    channel, f"{plan.message.step} {invoice.id}", body, invoice.id))
                ctx.counts["messages"] += 1
        if "legal_case" in plan.actions and invoice.id not in book.legal:
            out.legal.append({"invoice_id": invoice.id, "customer_id": book.customer.id,
                              "opened_on": ctx.as_of, "amount": invoice.outstanding,
                              "status": "open"})
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


def flag_blacklist(ctx: RunContext, book: Book, out: Writes) -> None:
    """Flag a customer whose late invoices reach a blacklist_watch rule's count (once)."""
    if book.flagged or book.customer.status == "blacklisted":
        return
    customer = {"tier": book.customer.tier_code, "status": book.customer.status}
    found = blacklist.flag(ctx.watch.compiled.ruleset, histories(book), book.customer.currency,
                           customer, ctx.as_of, lambda facts: ctx.matched(ctx.watch, facts))
    if found is not None:
        out.candidates.append({"customer_id": book.customer.id, "flagged_on": ctx.as_of,
                               "late_invoices": found.late_invoices, "status": "pending"})
        book.flagged = True
        ctx.counts["blacklist_candidates"] += 1


def age(ctx: RunContext, book: Book, out: Writes) -> None:
    """Snapshot the customer's aging and provision as of the run's date (once per date)."""
    if book.aged:
        return
    totals = AgingTotals(ctx.classify)
    for invoice in book.invoices:
        if invoice.status == "open":
            totals.add(invoice.outstanding, (ctx.as_of - invoice.due_date).days)
    out.aging.append({"customer_id": book.customer.id, "as_of": ctx.as_of,
                      "buckets": {k: str(v) for k, v in totals.buckets.items()},
                      "provision": totals.provision_total})


def write_accruals(session: Session, rows: list[tuple[Any, ...]]) -> None:
    """Insert penalty days in bulk: COPY on PostgreSQL, one executemany on SQLite."""
    if not rows:
        return
    connection = session.connection()
    driver = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        with driver.cursor() as cursor, cursor.copy(  # type: ignore[union-attr]
                f"COPY {_ACCRUALS.name} ({', '.join(_ACCRUAL_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    elif connection.dialect.name == "sqlite":
        # The Money and Date columns as SQLAlchemy stores them on SQLite: integer cents
        # and ISO dates (what the ORM would bind), without per-value type processing.
        placeholders = ", ".join("?" * len(_ACCRUAL_COLUMNS))
        driver.cursor().executemany(  # type: ignore[union-attr]
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
                        (LegalCase, out.legal), (BlacklistCandidate, out.candidates),
                        (AgingSnapshot, out.aging)):
        if rows:
            session.execute(insert(model.__table__), rows)


def process(session: Session, ctx: RunContext, books: Iterable[Book]) -> None:
    """Everything the day does for a batch of customers, in this order."""
    out = Writes()
    for book in books:
        accrue_penalties(ctx, book, out)
        dun(ctx, book, out)
        flag_blacklist(ctx, book, out)
        if book.customer.next_review_date <= ctx.as_of:
            review_customer(session, ctx.review, book.customer, histories(book), ctx.as_of,
                            ctx.matched)
            ctx.counts["reviews"] += 1
        age(ctx, book, out)
        ctx.counts["customers"] += 1
    write(session, out)


