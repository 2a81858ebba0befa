"""Collections screens: the worklist a collector works from, the disputes queue, instalments due.

A call is logged from the worklist in two clicks: the row's outcome button (the note is
optional). Sales see their own customers; logging goes through services/collections.
A risk manager resolves a dispute from the queue or the customer page through a small
form that calls the same service as POST /v1/disputes/{id}/resolve.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import Admin, expose

from policy_service.admin import auth
from policy_service.admin.formatting import money
from policy_service.admin.i18n import _, lazy
from policy_service.admin.refusals import refusal
from policy_service.admin.views.queues import QueueView, note_or_flash, page_number, page_size
from policy_service.container import Services
from policy_service.domain.money import MoneyError, parse_amount
from policy_service.services.collections import contacts, disputes, queries
from policy_service.services.errors import ServiceError
from policy_service.services.paging import page_count

OUTCOMES = ("reached", "no_answer", "promised_to_pay", "disputes_invoice")
LOGGERS = (auth.ADMIN, auth.RISK, auth.SALES)


class WorklistView(QueueView):
    """Customers with something overdue, ranked; log a call from each row."""

    read_roles = auth.EVERYONE
    write_roles = LOGGERS

    def owner(self) -> str | None:
        """Sales see their own customers; others all, or ?owner=."""
        if auth.role() == auth.SALES:
            return auth.actor()
        return (request.args.get("owner") or "").strip() or None

    @expose("/")
    def index(self) -> Any:
        """The ranked worklist, a page at a time (the whole book's is thousands of rows)."""
        owner = self.owner()
        size, page = page_size(), page_number()
        items, total = queries.worklist_window(self.services.uow(), self.services.rulesets,
                                               self.today(), owner, (page - 1) * size, size)
        pages = page_count(total, size)
        if page > pages:  # past the end: the last page
            page = pages
            items, total = queries.worklist_window(self.services.uow(), self.services.rulesets,
                                                   self.today(), owner, (page - 1) * size, size)
        return self.render("policy/worklist.html", items=items,
                           first=(page - 1) * size + 1, total=total, page=page, pages=pages,
                           owner=owner or "", outcomes=OUTCOMES,
                           own_only=auth.role() == auth.SALES)

    @expose("/<customer_id>/contact", methods=("POST",))
    def contact(self, customer_id: str) -> Any:
        """Log a contact (default: a phone call) with the outcome of the button pressed."""
        outcome = request.form.get("outcome") or ""
        channel = request.form.get("channel") or "phone"
        try:
            contacts.log_contact(
                self.services.uow(), self.services.rulesets, customer_id,
                contacts.ContactInput(channel, outcome, (request.form.get("note") or "").strip()),
                auth.actor(), self.today(),
                auth.actor() if auth.role() == auth.SALES else None)
        except ServiceError as exc:
            flash(refusal(exc.message), "error")
        else:
            flash(_("Contact with %(customer)s logged: %(outcome)s.", customer=customer_id,
                    outcome=_(outcome)), "success")
        return redirect(url_for(".index", owner=request.args.get("owner") or None,
                                page=request.args.get("page", type=int)))


class DisputesQueueView(QueueView):
    """Open disputes, oldest first, with their age; risk managers resolve them here."""

    @expose("/")
    def index(self) -> Any:
        """The disputes queue."""
        with self.services.database.sessions() as session:
            listed = queries.open_disputes(session, self.today())
        return self.render("policy/queue_disputes.html", disputes=listed)

    @expose("/<dispute_id>/resolve")
    def resolve_form(self, dispute_id: str) -> Any:
        """The resolve form of one dispute (staff read it; risk managers submit it)."""
        with self.services.database.sessions() as session:
            found = queries.dispute_to_resolve(session, dispute_id)
        if found is None:
            abort(404)
        back = auth.safe_target(request.args.get("next"), url_for(".index"))
        return self.render("policy/dispute_resolve.html", dispute=found, back=back)

    @expose("/<dispute_id>/resolve", methods=("POST",))
    def resolve(self, dispute_id: str) -> Any:
        """Resolve for the customer (a credit note, default the disputed amount) or the company."""
        back = auth.safe_target(request.form.get("next"), url_for(".index"))
        form = url_for(".resolve_form", dispute_id=dispute_id, next=back)
        favour = request.form.get("in_favour_of") or ""
        note = note_or_flash()
        if note is None:
            return redirect(form)
        text = (request.form.get("credit_note_amount") or "").strip()
        try:
            amount = parse_amount(text) if text and favour == "customer" else None
        except MoneyError as exc:
            flash(_("Credit-note amount: %(error)s", error=refusal(str(exc))), "error")
            return redirect(form)
        try:
            done = disputes.resolve_dispute(
                self.services.uow(), self.services.rulesets, dispute_id,
                disputes.Resolution(favour, note, amount), auth.actor(), self.today())
        except ServiceError as exc:
            flash(refusal(exc.message), "error")
            return redirect(form)
        if done["in_favour_of"] == "customer":
            with self.services.database.sessions() as session:
                found = queries.dispute_to_resolve(session, dispute_id)
            currency = found["currency"] if found else None
            flash(_("Dispute %(id)s resolved in the customer's favour: credit note %(amount)s "
                    "on invoice %(invoice)s.", id=dispute_id, invoice=done["invoice_id"],
                    amount=money(done["credit_note_amount"], currency)), "success")
        else:
            flash(_("Dispute %(id)s resolved in the company's favour; invoice %(invoice)s "
                    "stays as it is.", id=dispute_id, invoice=done["invoice_id"]), "success")
        return redirect(back)


class InstalmentsDueView(QueueView):
    """Instalments of active plans due this week (today and the next 7 days)."""

    write_roles = ()

    @expose("/")
    def index(self) -> Any:
        """The instalments due this week."""
        with self.services.database.sessions() as session:
            listed = queries.instalments_due(session, self.today())
        return self.render("policy/queue_instalments.html", instalments=listed)


def add_views(admin: Admin, services: Services) -> None:
    """Register the collections screens."""
    category = lazy("Collections")
    admin.add_view(WorklistView(services, name=lazy("Worklist"), category=category,
                                endpoint="admin_worklist", url="/admin/worklist"))
    admin.add_view(DisputesQueueView(services, name=lazy("Disputes"), category=category,
                                     endpoint="admin_disputes", url="/admin/disputes"))
    admin.add_view(InstalmentsDueView(services, name=lazy("Instalments due"),
                                      category=category, endpoint="admin_instalments",
                                      url="/admin/instalments"))
