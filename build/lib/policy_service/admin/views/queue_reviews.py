"""The review-proposal queue: pending periodic reviews with indicators; approve or reject."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose

from policy_service.admin import auth
from policy_service.admin.i18n import _
from policy_service.admin.refusals import refusal
from policy_service.admin.views import queues
from policy_service.admin.views.queues import QueueView, note_or_flash, page_number, percent
from policy_service.services.day import queries, reviews
from policy_service.services.errors import ServiceError


def review_row(view: dict[str, Any]) -> dict[str, Any]:
    """A review as the queue shows it: the read model plus the display percentages."""
    return {**view, "on_time": percent(view["indicators"]["on_time_rate"]),
            "utilization": percent(view["indicators"]["utilization"])}


class ReviewQueueView(QueueView):
    """Pending periodic reviews with their indicators and proposal; approve or reject."""

    @expose("/")
    def index(self) -> Any:
        """Pending reviews (oldest review date first) and the most recently decided ones."""
        page = page_number()
        with self.services.database.sessions() as session:
            rows, pages = queries.pending_reviews(session, page, queues.page_size())
            pending = [review_row(row) for row in rows]
            decided = [review_row(row) for row in queries.decided_reviews(session, queues.RECENT)]
        return self.render("policy/queue_reviews.html", pending=pending, decided=decided,
                           page=page, pages=pages)

    @expose("/<int:review_id>/decide", methods=("POST",))
    def decide(self, review_id: int) -> Any:
        """Approve (apply the proposal) or reject a review with a note (risk managers only)."""
        action = request.form.get("action")
        if action not in ("approve", "reject"):
            abort(400)
        note = note_or_flash()
        if note is None:
            return redirect(url_for(".index"))
        with self.services.database.sessions() as session:
            customer_id = queries.review_customer(session, review_id)
        if customer_id is None:
            abort(404)
        try:
            reviews.decide(self.services.uow(), customer_id, review_id,
                           approve=action == "approve", actor=auth.actor(), note=note)
        except ServiceError as exc:
            flash(refusal(exc.message), "error")
        else:
            flash(_("Review %(id)s of %(customer)s: %(action)s.", id=review_id,
                    customer=customer_id,
                    action=_("approved") if action == "approve" else _("rejected")), "success")
        return redirect(url_for(".index"))
