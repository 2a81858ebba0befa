"""Read models of the day's queues for the admin: review proposals and blacklist candidates."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from policy_service.db.models import Customer
from policy_service.db.models_receivables import BlacklistCandidate, CreditReview
from policy_service.services.day.reviews import review_view
from policy_service.services.paging import paged


def _review_row(review: CreditReview, name: str | None, currency: str | None) -> dict[str, Any]:
    return {**review_view(review), "customer_id": review.customer_id,
            "customer_name": name or "", "currency": currency or ""}


def _reviews() -> Any:
    return select(CreditReview, Customer.name, Customer.currency).join(
        Customer, Customer.id == CreditReview.customer_id)


def pending_reviews(session: Session, page: int, size: int
                    ) -> tuple[list[dict[str, Any]], int]:
    """One page of pending reviews, oldest review date first, and the number of pages."""
    rows, pages = paged(session, _reviews().where(CreditReview.status == "pending")
                        .order_by(CreditReview.review_date, CreditReview.id), page, size)
    return [_review_row(*row) for row in rows], pages


def decided_reviews(session: Session, limit: int) -> list[dict[str, Any]]:
    """The most recently decided reviews."""
    return [_review_row(*row) for row in session.execute(
        _reviews().where(CreditReview.status != "pending")
        .order_by(CreditReview.decided_at.desc(), CreditReview.id.desc()).limit(limit))]


def pending_by_currency(session: Session) -> dict[str, dict[str, int]]:
    """Per currency: pending review proposals and pending blacklist candidates."""
    counts: dict[str, dict[str, int]] = {}
    for key, model in (("pending_reviews", CreditReview),
                       ("blacklist_candidates", BlacklistCandidate)):
        for currency, number in session.execute(
                select(Customer.currency, func.count()).select_from(model)
                .join(Customer, Customer.id == model.customer_id)
                .where(model.status == "pending").group_by(Customer.currency)):
            counts.setdefault(currency, {})[key] = int(number)
    return counts


def review_customer(session: Session, review_id: int) -> str | None:
    """The customer a review is of, or None for an unknown review."""
    review = session.get(CreditReview, review_id)
    return review.customer_id if review is not None else None


def candidate_queue(session: Session, page: int, size: int
                    ) -> tuple[list[dict[str, Any]], int]:
    """Pending candidates first, then decided ones (newest flag first), with their customer."""
    query = (select(BlacklistCandidate, Customer)
             .join(Customer, Customer.id == BlacklistCandidate.customer_id)
             .order_by((BlacklistCandidate.status != "pending"),
                       BlacklistCandidate.flagged_on.desc(), BlacklistCandidate.id))
    rows, pages = paged(session, query, page, size)
    return [{"candidate_id": cand.id, "customer_id": cand.customer_id,
             "customer_name": customer.name, "tier": customer.tier_code,
             "customer_status": customer.status,
             "status_reason": customer.status_reason or "",
             "flagged_on": cand.flagged_on, "late_invoices": cand.late_invoices,
             "status": cand.status} for cand, customer in rows], pages
