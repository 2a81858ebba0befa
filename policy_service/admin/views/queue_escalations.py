"""What escalation produced: customers with supply stopped, and legal cases (read-only)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_admin import expose

from policy_service.admin.views import queues
from policy_service.admin.views.queues import QueueView, page_number
from policy_service.services.receivables import queries


class StopSupplyView(QueueView):
    """Customers whose supply is stopped, with the cause: the oldest overdue invoice (read-only)."""

    write_roles = ()

    @expose("/")
    def index(self) -> Any:
        """Stopped customers, each with its oldest overdue invoice, days and amount."""
        page = page_number()
        today = self.today()
        with self.services.database.sessions() as session:
            stopped, pages = queries.stopped_customers(session, today, page, queues.page_size())
        return self.render("policy/queue_stop_supply.html", stopped=stopped, today=today,
                           page=page, pages=pages)


class LegalCaseView(QueueView):
    """Legal cases opened by escalation: invoice, customer, amount, days overdue and status."""

    write_roles = ()

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
                           pages=pages)
