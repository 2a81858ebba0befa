"""The day's run for payment plans: complete the paid ones, break the ones missed too long."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from policy_service.db.models_collections import PaymentPlan
from policy_service.domain.account_facts import escalation_facts
from policy_service.services.collections.effects import (
    BREAK_ACTION,
    OpenInvoice,
    plan_change_values,
)
from policy_service.services.collections.effects import review_plans as _review

if TYPE_CHECKING:
    from policy_service.services.day.books import Book
    from policy_service.services.day.context import RunContext


def review_plans(session: Session, ctx: RunContext, book: Book) -> None:
    """Before penalty and dunning: a plan broken today lets escalation resume at once.

    A back-dated run changes no plan (a later run's state is not undone).
    """
    if ctx.backdated or not any(p.status == "active" for p in book.collections.plans):
        return

    def breaks(invoice: Any, days_late: int) -> bool:  # a BookInvoice
        facts = escalation_facts(book.customer, invoice, ctx.as_of, None, days_late)
        return any(BREAK_ACTION in step.actions for step in ctx.due_steps(facts))

    invoices: dict[str, OpenInvoice] = {i.id: i for i in book.invoices}
    for plan_id, status in _review(book.collections, invoices, ctx.as_of, breaks):
        session.execute(update(PaymentPlan).where(PaymentPlan.id == plan_id).values(
            **plan_change_values(status, ctx.as_of, ctx.escalation.version)))
        ctx.counts[f"plans_{status}"] += 1
