"""The salesperson's morning page: find a customer, see its credit, orders and next steps."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_admin import Admin, expose

from policy_service.admin import auth
from policy_service.admin.i18n import _, lazy
from policy_service.admin.next_steps import next_steps
from policy_service.admin.views.base import ProtectedView
from policy_service.container import Services
from policy_service.services.credit import queries
from policy_service.services.credit.customers import credit_status
from policy_service.services.errors import NotFound


class LookupView(ProtectedView):
    """Search customers, a customer's credit and decisions, an order's decision (every role)."""

    read_roles = auth.EVERYONE

    @expose("/")
    def index(self) -> Any:
        """The search and look-up forms and whatever was found."""
        search = (request.args.get("q") or "").strip()[:100]
        customer_id = (request.args.get("customer_id") or "").strip()
        order_id = (request.args.get("order_id") or "").strip()
        today = self.services.today()
        found: list[dict[str, Any]] | None = None
        credit, decision, decisions, steps, missing = None, None, [], [], None
        name = None
        with self.services.database.sessions() as session:
            if search:
                found = queries.find_customers(session, search, auth.actor())
                if len(found) == 1 and not customer_id:
                    customer_id = found[0]["customer_id"]
            if customer_id:
                decisions = queries.recent_decisions(session, customer_id)
                name = queries.customer_name(session, customer_id)
            if order_id:
                decision = queries.order_decision(session, order_id)
        if customer_id:
            try:
                credit = credit_status(self.services.uow(), customer_id, today)
                steps = next_steps(credit, today)
            except NotFound:
                missing = _("No customer %(id)s.", id=customer_id)
        if order_id and decision is None:
            missing = _("No decision for order %(id)s.", id=order_id)
        return self.render("policy/lookup.html", search=search, found=found,
                           customer_id=customer_id, name=name, order_id=order_id, credit=credit,
                           decisions=decisions, steps=steps, decision=decision,
                           missing=missing)


def add_views(admin: Admin, services: Services) -> None:
    """Register the look-up screen."""
    admin.add_view(LookupView(services, name=lazy("Look up"), endpoint="lookup"))
