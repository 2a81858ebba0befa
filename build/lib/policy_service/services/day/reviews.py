"""Periodic credit reviews: create them in the day's run; risk managers approve or reject."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from policy_service.db.models import Customer, Tier
from policy_service.db.models_receivables import CreditReview
from policy_service.db.types import utcnow
from policy_service.domain.account_facts import review_facts, review_group
from policy_service.domain.dates import add_months
from policy_service.domain.money import to_wire
from policy_service.domain.review import Change, InvoiceHistory, indicators, propose
from policy_service.services.credit.customers import get_customer, lock_customer
from policy_service.services.errors import Conflict, NotFound
from policy_service.services.history import record_changes
from policy_service.services.rules.registry import ActiveRuleSet
from policy_service.services.unit_of_work import UnitOfWork

Matcher = Callable[[ActiveRuleSet, dict[str, Any]], list[str]]


@dataclass(frozen=True)
class ReviewContext:
    """The limit_review version in use and the tier ladder (best first)."""

    active: ActiveRuleSet
    ladder: tuple[str, ...]


def review_context(session: Session, active: ActiveRuleSet) -> ReviewContext:
    """Read the tiers once per run."""
    tiers = list(session.scalars(select(Tier).order_by(Tier.rank)))
    return ReviewContext(active, tuple(t.code for t in tiers))


def review_customer(session: Session, ctx: ReviewContext, customer: Customer,
                    invoices: list[InvoiceHistory], exposure: list[Change], as_of: date,
                    matched: Matcher) -> CreditReview:
    """Compute the indicators and record a pending proposal.

    ``exposure`` is the customer's exposure besides open principal, day by day
    (``services.day.exposure``, read for the whole batch at once).

    The customer's review date does not move: until a risk manager decides, the review
    counts as overdue once its date has passed (``customer.review_overdue``), so new
    orders are held, and no second review is proposed while this one waits.
    """
    found = indicators(invoices, as_of, customer.credit_limit, exposure)
    facts = review_facts(customer, found)
    proposal = propose(ctx.active.compiled.ruleset, matched(ctx.active, facts), facts,
                       ctx.ladder, customer.currency)
    review = CreditReview(
        customer_id=customer.id, review_date=customer.next_review_date, as_of=as_of,
        indicators={k: to_wire(v) if k == "overdue_amount" else str(v)
                    for k, v in review_group(found).items()},
        action=proposal.action, rule=proposal.rule, reason=dict(proposal.message),
        current_limit=customer.credit_limit, current_tier=customer.tier_code,
        proposed_limit=proposal.credit_limit, proposed_tier=proposal.tier,
        ruleset_version=ctx.active.version, status="pending")
    session.add(review)  # the review date stays: it moves when a risk manager decides
    return review


def review_view(review: CreditReview) -> dict[str, Any]:
    """The contract's review object."""
    ind = review.indicators
    return {
        "review_id": review.id, "review_date": review.review_date, "as_of": review.as_of,
        "indicators": {"on_time_rate": ind["on_time_rate"],
                       "max_days_late": int(ind["max_days_late"]),
                       "overdue_amount": ind["overdue_amount"],
                       "utilization": ind["utilization"],
                       "oldest_overdue_days": int(ind["oldest_overdue_days"]),
                       "invoice_count": int(ind["invoice_count"])},
        "proposal": {"action": review.action, "credit_limit": review.proposed_limit,
                     "tier": review.proposed_tier},
        "current": {"credit_limit": review.current_limit, "tier": review.current_tier},
        "reason": review.reason, "status": review.status, "decided_by": review.decided_by,
        "decided_at": review.decided_at, "note": review.note,
        "ruleset": {"name": "limit_review", "version": review.ruleset_version},
        "ruleset_version": review.ruleset_version,
    }


def list_reviews(uow: UnitOfWork, customer_id: str) -> dict[str, Any]:
    """GET /v1/customers/{id}/reviews, oldest first."""
    with uow:
        get_customer(uow.session, customer_id)
        rows = uow.session.scalars(select(CreditReview).where(
            CreditReview.customer_id == customer_id).order_by(CreditReview.review_date))
        return {"reviews": [review_view(r) for r in rows]}


def decide(uow: UnitOfWork, customer_id: str, review_id: int, *, approve: bool, actor: str,
           note: str) -> dict[str, Any]:
    """Approve (apply the proposal) or reject a pending review, recording who and why."""
    with uow:
        session = uow.session
        customer = lock_customer(uow, customer_id)
        review = session.get(CreditReview, review_id)
        if review is None or review.customer_id != customer_id:
            raise NotFound(f"unknown review {review_id} of customer {customer_id!r}")
        if review.status != "pending":
            raise Conflict(f"review {review_id} is already {review.status} "
                           f"(by {review.decided_by}); it cannot be decided again")
        if approve and session.get(Tier, review.proposed_tier) is None:
            raise Conflict(f"tier {review.proposed_tier!r} no longer exists")
        if approve and review.action != "keep":
            customer.credit_limit = review.proposed_limit
            customer.tier_code = review.proposed_tier
            customer.tier = session.get(Tier, review.proposed_tier)
            record_changes(session, customer, "customer", customer.id, ("credit_limit", "tier"),
                           actor)
            review.status = "applied"
        else:
            review.status = "approved" if approve else "rejected"
        review.decided_by, review.decided_at, review.note = actor, utcnow(), note
        tier = session.get(Tier, customer.tier_code)
        months = tier.review_interval_months if tier is not None else 12
        customer.next_review_date = add_months(review.review_date, months)
        uow.commit()
        return review_view(review)
