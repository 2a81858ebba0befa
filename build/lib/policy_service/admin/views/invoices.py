"""Overdue invoices and one invoice's detail; risk managers waive its penalty or write it off.

Both changes go through services/receivables/adjustments.py, exactly as
POST /v1/invoices/{id}/waive-penalty and /write-off do, so the adjustment, who made
it and the note are recorded the same way.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import Admin, expose

from policy_service.admin import auth
from policy_service.admin.i18n import _, lazy
from policy_service.admin.refusals import refusal
from policy_service.admin.views import queues
from policy_service.admin.views.queues import QueueView, note_or_flash, page_number
from policy_service.container import Services
from policy_service.domain.money import MoneyError, parse_amount
from policy_service.services.errors import Conflict, ServiceError
from policy_service.services.receivables import adjustments, queries
from policy_service.services.receivables.classes import receivable_classifier


def safe_back(fallback: str) -> str:
    """The form's ``next`` when it is a same-site /admin path, else ``fallback``."""
    return auth.safe_target(request.form.get("next"), fallback)


class InvoiceView(QueueView):
    """Open invoices past due (oldest first) and each invoice's penalty, history and actions."""

    @expose("/")
    def index(self) -> Any:
        """Overdue open invoices, optionally of one customer (?customer_id=)."""
        page = page_number()
        today = self.today()
        customer_id = (request.args.get("customer_id") or "").strip()
        with self.services.database.sessions() as session:
            classify = receivable_classifier(self.services.rulesets, session)
            invoices, pages = queries.overdue_invoices(session, classify, today, customer_id,
                                                       page, queues.page_size())
        return self.render("policy/invoices.html", invoices=invoices, customer_id=customer_id,
                           page=page, pages=pages)

    @expose("/<invoice_id>")
    def detail(self, invoice_id: str) -> Any:
        """One invoice: amounts, penalty, adjustments, dunning steps and any legal case."""
        today = self.today()  # before the session: the test clock reads in its own transaction
        with self.services.database.sessions() as session:
            classify = receivable_classifier(self.services.rulesets, session)
            found = queries.invoice_detail(session, classify, invoice_id, today)
        if found is None:
            abort(404)
        return self.render("policy/invoice_detail.html", invoice=found.invoice,
                           adjustments=found.adjustments, steps=found.steps, case=found.case,
                           credit_notes=found.credit_notes)

    @expose("/<invoice_id>/waive-penalty", methods=("POST",))
    def waive_penalty(self, invoice_id: str) -> Any:
        """Waive all (or ``amount`` of) the unpaid penalty, with a note (risk managers only)."""
        back = safe_back(url_for(".detail", invoice_id=invoice_id))
        note = note_or_flash()
        if note is None:
            return redirect(back)
        text = (request.form.get("amount") or "").strip()
        try:
            amount = parse_amount(text) if text else None
        except MoneyError as exc:
            flash(_("Amount: %(error)s", error=str(exc)), "error")
            return redirect(back)
        try:
            result = adjustments.waive_penalty(self.services.uow(), self.services.rulesets,
                                               invoice_id, amount, note, auth.actor(),
                                               self.today())
        except ServiceError as exc:
            flash(refusal(exc.message), "error")
        else:
            flash(_("Invoice %(id)s: penalty waived; outstanding %(amount)s.", id=invoice_id,
                    amount=result["outstanding"]), "success")
        return redirect(back)

    @expose("/<invoice_id>/write-off", methods=("POST",))
    def write_off(self, invoice_id: str) -> Any:
        """Write off an open invoice, with a note (risk managers only)."""
        back = safe_back(url_for(".detail", invoice_id=invoice_id))
        note = note_or_flash()
        if note is None:
            return redirect(back)
        try:
            adjustments.write_off(self.services.uow(), self.services.rulesets, invoice_id, note,
                                  auth.actor(), self.today())
        except Conflict:
            flash(_("Invoice %(id)s is not open: only an open invoice can be written off.",
                    id=invoice_id), "error")
        except ServiceError as exc:
            flash(refusal(exc.message), "error")
        else:
            flash(_("Invoice %(id)s: written off.", id=invoice_id), "success")
        return redirect(back)


def add_views(admin: Admin, services: Services) -> None:
    """Register the overdue-invoice queue with its detail pages."""
    admin.add_view(InvoiceView(services, name=lazy("Overdue invoices"),
                               category=lazy("Receivables"), endpoint="admin_invoices",
                               url="/admin/invoices"))
