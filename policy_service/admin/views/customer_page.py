"""One customer's whole credit picture, reachable from every customer id in the admin."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_admin import Admin, expose

from policy_service.admin import auth
from policy_service.admin.i18n import lazy
from policy_service.admin.next_steps import next_steps
from policy_service.admin.views.aging import as_of_arg
from policy_service.admin.views.base import ProtectedView
from policy_service.container import Services
from policy_service.services.collections.contacts import list_contacts
from policy_service.services.collections.disputes import list_disputes
from policy_service.services.collections.plans import list_plans
from policy_service.services.credit import queries
from policy_service.services.credit.customers import credit_status
from policy_service.services.day.alert_queries import customer_alerts
from policy_service.services.day.reviews import list_reviews
from policy_service.services.errors import NotFound
from policy_service.services.receivables.adjustments import dunning_history
from policy_service.services.receivables.customer_lists import customer_invoices, customer_payments


class CustomerPageView(ProtectedView):
    """Limit, exposure, aging, invoices, payments, decisions, dunning, reviews, collections.

    Staff read every customer; a salesperson reads the customers they own.
    """

    read_roles = auth.EVERYONE

    def is_visible(self) -> bool:
        """Reached from customer ids, not from the menu."""
        return False

    @expose("/")
    def index(self) -> Any:
        """No customer chosen: the look-up finds one."""
        abort(404)

    @expose("/<customer_id>")
    def page(self, customer_id: str) -> Any:
        """The page of ``customer_id``."""
        app, today = self.services, self.services.today()
        as_of, as_of_error = as_of_arg(today)  # the aging's date; the rest is today's
        with app.database.sessions() as session:
            found = queries.name_owner_currency(session, customer_id)
            if found is None:
                abort(404)
            name, owner, currency = found
            if not auth.has_role(*auth.STAFF) and owner != auth.actor():
                abort(403)
            split = queries.open_split(session, customer_id, currency)
            decisions = queries.recent_decisions(session, customer_id)
            history = queries.status_history(session, customer_id)
            alerts = customer_alerts(session, customer_id)
        try:
            credit = credit_status(app.uow(), customer_id, today, as_of)
        except NotFound:
            abort(404)
        invoices = customer_invoices(app.uow(), app.rulesets, customer_id, today)["invoices"]
        return self.render(
            "policy/customer_page.html", customer_id=customer_id, name=name, credit=credit,
            as_of=as_of, as_of_error=as_of_error, today=today,
            split=split, steps=next_steps(credit, today), decisions=decisions, history=history,
            open_invoices=[i for i in invoices if i["status"] == "open"],
            closed_invoices=[i for i in invoices if i["status"] != "open"],
            payments=customer_payments(app.uow(), customer_id, 50)["payments"],
            dunning=list(reversed(dunning_history(app.uow(), customer_id)["steps"]))[:50],
            reviews=list(reversed(list_reviews(app.uow(), customer_id)["reviews"]))[:20],
            disputes=list_disputes(app.uow(), customer_id)["disputes"][:20],
            plans=list_plans(app.uow(), customer_id, today)["payment_plans"][:10],
            contacts=list_contacts(app.uow(), customer_id)["contacts"][:20], alerts=alerts,
            can_resolve=auth.has_role(auth.RISK))


def add_views(admin: Admin, services: Services) -> None:
    """Register the customer page (/admin/customer/<id>)."""
    admin.add_view(CustomerPageView(services, name=lazy("Customer"), endpoint="customer",
                                    url="/admin/customer"))
