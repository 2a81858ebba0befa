"""Early warning in the day's run: evaluate ``early_warning`` per customer, open and close alerts.

Overdue figures leave out amounts under open dispute, as the credit facts do. One open
alert per customer and rule: a rule that matches and has none opens one (with
the rule set version) and queues a task for the account owner; an open alert whose rule
no longer matches is closed on the run's date. Running a day twice changes nothing. A
back-dated run leaves alerts alone (it does not undo what a later run saw).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from policy_service.db.among import among
from policy_service.db.models import CreditCheck
from policy_service.db.models_receivables import OutboxMessage
from policy_service.db.models_reports import Alert
from policy_service.domain import early_warning
from policy_service.domain.early_warning import Figures, PaidPart
from policy_service.services.day.books import Book
from policy_service.services.day.context import RunContext
from policy_service.services.outbox import messages

ZERO = Decimal("0.00")


def figures(book: Book, reserved: Decimal, as_of: date) -> Figures:
    """What early warning reads of a book (after the day's penalty is accrued)."""
    as_of_open = [i for i in book.invoices if i.status == "open"]
    c = book.customer
    return Figures(
        tier=c.tier_code, status=c.status, name=c.name, currency=c.currency,
        credit_limit=c.credit_limit,
        open_receivables=sum((i.outstanding for i in as_of_open), ZERO),
        reserved_orders=reserved,
        overdue_amount=sum((i.outstanding - book.collections.disputed(i, as_of)  # policy.md:
                            for i in as_of_open if i.due_date < as_of), ZERO),  # not disputed
        paid=tuple(PaidPart(amount, paid_at, i.due_date) for i in book.invoices
                   for paid_at, amount in book.payments.get(i.id, ())),
        oldest_open_issue=min((i.issue_date for i in as_of_open), default=None),
        broken_plans_365d=early_warning.broken_within(
            ((p.status, p.ended_on) for p in book.collections.plans), as_of))


def _reserved(session: Session, ids: list[str]) -> dict[str, Decimal]:
    return {customer_id: amount for customer_id, amount in session.execute(
        select(CreditCheck.customer_id, func.sum(CreditCheck.reserved_amount))
        .where(among(session, CreditCheck.customer_id, ids),
               CreditCheck.status.in_(("open", "released")))
        .group_by(CreditCheck.customer_id))}


def _open_alerts(session: Session, ids: list[str]) -> dict[str, dict[str, int]]:
    """The batch's open alerts: by customer, the alert id of each rule."""
    found: dict[str, dict[str, int]] = {}
    for alert_id, customer_id, rule in session.execute(
            select(Alert.id, Alert.customer_id, Alert.rule)
            .where(among(session, Alert.customer_id, ids), Alert.status == "open")
            .order_by(Alert.id)):
        found.setdefault(customer_id, {})[rule] = alert_id
    return found


def warn(session: Session, ctx: RunContext, books: Iterable[Book]) -> None:
    """Open and close the batch's alerts; queue a task for each new one."""
    books = list(books)
    if ctx.backdated or not books or ctx.warning is None:
        return
    ids = [b.customer.id for b in books]
    reserved, opened = _reserved(session, ids), _open_alerts(session, ids)
    ruleset = ctx.warning.compiled.ruleset
    new_alerts: list[dict[str, Any]] = []
    closing: list[int] = []
    tasks: list[dict[str, Any]] = []
    for book in books:
        facts = early_warning.warning_facts(
            figures(book, reserved.get(book.customer.id, ZERO), ctx.as_of), ctx.as_of)
        matched = set(ctx.matched(ctx.warning, facts))
        own = opened.get(book.customer.id, {})
        closing += [alert_id for rule, alert_id in own.items() if rule not in matched]
        # messages are rendered only for the alerts that open (most stay open day after day)
        for alert in early_warning.raised(ruleset, matched - own.keys(), facts):
            new_alerts.append({"customer_id": book.customer.id, "rule": alert.rule,
                               "level": alert.level, "code": alert.code,
                               "message": alert.message, "status": "open",
                               "opened_on": ctx.as_of, "ruleset_version": ctx.warning.version})
            tasks.append(messages.message_row(
                book.customer, f"alert:{book.customer.id}:{alert.rule}:{ctx.as_of}",
                "task", f"{alert.level} {alert.code} {book.customer.id}",
                {"zh": f"预警（{alert.level}）：{alert.message['zh']}",
                 "en": f"Early warning ({alert.level}): {alert.message['en']}"}))
            ctx.counts["alerts_opened"] += 1
            ctx.counts["messages"] += 1  # the owner's task is a queued message too
    if new_alerts:  # in bulk, like the rest of the day's writes
        session.execute(insert(Alert), new_alerts)
        session.execute(insert(OutboxMessage), tasks)
    if closing:
        session.execute(update(Alert).where(among(session, Alert.id, closing))
                        .values(status="closed", closed_on=ctx.as_of))
        ctx.counts["alerts_closed"] += len(closing)
