"""What escalation produced: customers with supply stopped, and legal cases.

Staff read both; a risk manager lifts a stop-supply with a note, or closes a legal case
with an outcome and a note, through the same services as
POST /v1/customers/{id}/lift-stop-supply and POST /v1/legal-cases/{id}/close.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_admin import expose

from policy_service.admin import auth
from policy_service.admin.i18n import _
from policy_service.admin.refusals import refusal
from policy_service.admin.views import queues
from policy_service.admin.views.queues import QueueView, note_or_flash, page_number
from policy_service.domain.codes import LEGAL_CASE_OUTCOMES
from policy_service.services.errors import ServiceError
from policy_service.services.receivables import legal_cases, queries, stop_supply


class StopSupplyView(QueueView):
    """Customers whose supply is stopped, with the cause: the oldest overdue invoice; risk
    managers lift a stop with a note (the only way a stop kept after a write-off ends)."""

    @expose("/")
    def index(self) -> Any:
        """Stopped customers, each with its oldest overdue invoice, days and amount."""
        page = page_number()
        today = self.today()
        with self.services.database.sessions() as session:
            stopped, pages = queries.stopped_customers(session, today, page, queues.page_size())
        return self.render("policy/queue_stop_supply.html", stopped=stopped, today=today,
                           page=page, pages=pages)

    @expose("/<customer_id>/lift", methods=("POST",))
    def lift(self, customer_id: str) -> Any:
        """Lift a customer's stop-supply with a note (risk managers only), as the API does."""
        back = auth.safe_target(request.form.get("next"), url_for(".index"))
        note = note_or_flash()
        if note is None:
            return redirect(back)
        try:
            stop_supply.lift_by_risk_manager(self.services.uow(), customer_id, note,
                                             auth.actor(), self.today())
        except ServiceError as exc:
            flash(refusal(exc.message), "error")
        else:
            flash(_("Customer %(id)s: supply resumed.", id=customer_id), "success")
        return redirect(back)


class LegalCaseView(QueueView):
    """Legal cases opened by escalation: invoice, customer, amount, days overdue and status;
    risk managers close an open one with an outcome and a note."""

    @expose("/")
    def index(self) -> Any:
        """Every case, open ones first, newest first (?status=open|closed narrows the list)."""
        page = page_number()
        today = self.today()
        status = (request.args.get("status") or "").strip()
        with self.services.database.sessions() as session:
            cases, pages = queries.legal_case_queue(session, today, status, page,
                                                    queues.page_size())
        return self.render("policy/queue_legal.html", cases=cases, status=status, page=page,
                           pages=pages, outcomes=LEGAL_CASE_OUTCOMES)

    @expose("/<int:case_id>/close", methods=("POST",))
    def close(self, case_id: int) -> Any:
        """Close an open case with an outcome and a note (risk managers only)."""
        back = auth.safe_target(request.form.get("next"), url_for(".index"))
        note = note_or_flash()
        if note is None:
            return redirect(back)
        outcome = (request.form.get("outcome") or "").strip()
        try:
            legal_cases.close_case(self.services.uow(), case_id, outcome, note, auth.actor(),
                                   self.today())
        except ServiceError as exc:
            flash(refusal(exc.message), "error")
        else:
            flash(_("Legal case %(id)s closed: %(outcome)s.", id=case_id, outcome=_(outcome)),
                  "success")
        return redirect(back)
