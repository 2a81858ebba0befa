"""The blacklist-candidate queue: customers flagged for invoices paid far too late.

Deciding goes through services/day/candidates.py (the service behind the decision).
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose

from policy_service.admin import auth
from policy_service.admin.i18n import _
from policy_service.admin.refusals import refusal
from policy_service.admin.views import queues
from policy_service.admin.views.queues import QueueView, note_or_flash, page_number
from policy_service.services.day import candidates, queries
from policy_service.services.errors import NotFound, ServiceError


class BlacklistCandidateView(QueueView):
    """Customers flagged for invoices paid far too late: blacklist with a reason, or dismiss."""

    @expose("/")
    def index(self) -> Any:
        """Pending candidates first, then decided ones, each with its late-invoice count."""
        page = page_number()
        with self.services.database.sessions() as session:
            listed, pages = queries.candidate_queue(session, page, queues.page_size())
        return self.render("policy/queue_blacklist.html", candidates=listed, page=page,
                           pages=pages)

    @expose("/<int:candidate_id>/decide", methods=("POST",))
    def decide(self, candidate_id: int) -> Any:
        """Blacklist the customer or dismiss the flag, with a reason (risk managers only)."""
        action = request.form.get("action")
        if action not in ("blacklist", "dismiss"):
            abort(400)
        reason = note_or_flash()
        if reason is None:
            return redirect(url_for(".index"))
        try:
            customer_id = candidates.decide_candidate(
                self.services.uow(), candidate_id, blacklist=action == "blacklist",
                reason=reason, actor=auth.actor())
        except NotFound:
            abort(404)
        except ServiceError as exc:
            flash(refusal(exc.message), "error")
        else:
            flash(_("Customer %(customer)s: %(action)s.", customer=customer_id,
                    action=_("blacklisted") if action == "blacklist" else _("dismissed")),
                  "success")
        return redirect(url_for(".index"))
