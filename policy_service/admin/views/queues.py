"""The receivables day's queues: review proposals, stop-supply, legal cases, blacklist candidates.

Staff read every queue; only risk managers decide (approve or reject a review, blacklist or
dismiss a candidate), always with a note, and always through the same services as the API.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import Admin, expose
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from policy_service.admin import auth
from policy_service.admin.i18n import _, lazy
from policy_service.admin.views.base import ProtectedView
from policy_service.container import Services
from policy_service.db.models import Customer, Invoice
from policy_service.db.models_admin import ChangeRecord
from policy_service.db.models_receivables import BlacklistCandidate, CreditReview, LegalCase
from policy_service.services.credit.customers import lock_customer
from policy_service.services.day import reviews
from policy_service.services.errors import Conflict, Invalid, NotFound, ServiceError
from policy_service.services.history import record_changes

PAGE_SIZE = 50
RECENT = 20
DECIDERS = (auth.RISK,)
CANDIDATE_ENTITY = "blacklist_candidate"


def page_number() -> int:
    """The ?page= argument (1-based; anything else is page 1)."""
    return max(request.args.get("page", 1, type=int) or 1, 1)


def paged(session: Session, query: Select[*tuple[Any, ...]], page: int) -> tuple[list[Any], int]:
    """One page of ``query``'s rows and the number of pages (at least 1)."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = list(session.execute(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)))
    return rows, max(-(-int(total or 0) // PAGE_SIZE), 1)


def percent(value: str | Decimal | None) -> str:
    """A 0–1 fraction as a percentage with one decimal ("0.9512" -> "95.1%")."""
    if value is None or value == "":
        return ""
    return f"{(Decimal(str(value)) * 100).quantize(Decimal('0.1'))}%"


def note_or_flash(field: str = "note") -> str | None:
    """The form's stripped note; flashes "a note is required" and returns None when empty."""
    note = (request.form.get(field) or "").strip()
    if not note:
        flash(_("A note is required."), "error")
        return None
    return note


class QueueView(ProtectedView):
    """A queue screen over the services: staff read, risk managers decide."""

    read_roles: Iterable[str] = auth.STAFF
    write_roles: Iterable[str] = DECIDERS

    def __init__(self, services: Services, **kwargs: Any) -> None:
        self.services = services
        super().__init__(**kwargs)

    def today(self) -> date:
        """The service clock's date (days overdue are counted to it)."""
        return self.services.today()


def review_row(review: CreditReview, name: str | None, currency: str | None) -> dict[str, Any]:
    """A review as the queue shows it: the API's view plus the customer and display figures."""
    view = reviews.review_view(review)
    view.update(customer_id=review.customer_id, customer_name=name or "",
                currency=currency or "",
                on_time=percent(view["indicators"]["on_time_rate"]),
                utilization=percent(view["indicators"]["utilization"]))
    return view


class ReviewQueueView(QueueView):
    """Pending periodic reviews with their indicators and proposal; approve or reject."""

    @expose("/")
    def index(self) -> Any:
        """Pending reviews (oldest review date first) and the most recently decided ones."""
        page = page_number()
        joined = select(CreditReview, Customer.name, Customer.currency).join(
            Customer, Customer.id == CreditReview.customer_id)
        with self.services.database.sessions() as session:
            rows, pages = paged(session, joined.where(CreditReview.status == "pending")
                                .order_by(CreditReview.review_date, CreditReview.id), page)
            pending = [review_row(*row) for row in rows]
            decided = [review_row(*row) for row in session.execute(
                joined.where(CreditReview.status != "pending")
                .order_by(CreditReview.decided_at.desc(), CreditReview.id.desc()).limit(RECENT))]
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
            review = session.get(CreditReview, review_id)
            customer_id = review.customer_id if review is not None else None
        if customer_id is None:
            abort(404)
        try:
            reviews.decide(self.services.uow(), customer_id, review_id,
                           approve=action == "approve", actor=auth.actor(), note=note)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Review %(id)s of %(customer)s: %(action)s.", id=review_id,
                    customer=customer_id,
                    action=_("approved") if action == "approve" else _("rejected")), "success")
        return redirect(url_for(".index"))


def overdue_causes(session: Session, customer_ids: Sequence[str],
                   today: date) -> dict[str, dict[str, Any]]:
    """Per customer: the oldest overdue open invoice (id, due, days, outstanding) and totals."""
    causes: dict[str, dict[str, Any]] = {}
    if not customer_ids:
        return causes
    invoices = session.scalars(select(Invoice).where(
        Invoice.customer_id.in_(customer_ids), Invoice.status == "open",
        Invoice.due_date < today).order_by(Invoice.due_date, Invoice.id))
    for invoice in invoices:
        cause = causes.get(invoice.customer_id)
        if cause is None:
            cause = causes[invoice.customer_id] = {
                "invoice_id": invoice.id, "due_date": invoice.due_date,
                "days": (today - invoice.due_date).days, "amount": invoice.outstanding,
                "overdue_total": Decimal("0.00"), "overdue_count": 0}
        cause["overdue_total"] += invoice.outstanding
        cause["overdue_count"] += 1
    return causes


class StopSupplyView(QueueView):
    """Customers whose supply is stopped, with the cause: the oldest overdue invoice (read-only)."""

    write_roles = ()

    @expose("/")
    def index(self) -> Any:
        """Stopped customers, each with its oldest overdue invoice, days and amount."""
        page = page_number()
        today = self.today()
        with self.services.database.sessions() as session:
            rows, pages = paged(session, select(Customer).where(
                Customer.status == "stop_supply").order_by(Customer.id), page)
            customers = [row[0] for row in rows]
            causes = overdue_causes(session, [c.id for c in customers], today)
            stopped = [{"customer_id": c.id, "name": c.name, "currency": c.currency,
                        "tier": c.tier_code, "reason": c.status_reason or "",
                        "cause": causes.get(c.id)} for c in customers]
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
        query = (select(LegalCase, Invoice, Customer.name)
                 .join(Invoice, Invoice.id == LegalCase.invoice_id)
                 .join(Customer, Customer.id == LegalCase.customer_id, isouter=True)
                 .order_by((LegalCase.status != "open"), LegalCase.opened_on.desc(),
                           LegalCase.id.desc()))
        if status:
            query = query.where(LegalCase.status == status)
        with self.services.database.sessions() as session:
            rows, pages = paged(session, query, page)
            cases = [{"case_id": case.id, "status": case.status, "opened_on": case.opened_on,
                      "amount": case.amount, "customer_id": case.customer_id,
                      "customer_name": name or "", "invoice_id": invoice.id,
                      "currency": invoice.currency, "due_date": invoice.due_date,
                      "days": max((today - invoice.due_date).days, 0)
                      if invoice.status == "open" else None,
                      "outstanding": invoice.outstanding, "invoice_status": invoice.status}
                     for case, invoice, name in rows]
        return self.render("policy/queue_legal.html", cases=cases, status=status, page=page,
                           pages=pages)


def decide_candidate(services: Services, candidate_id: int, *, blacklist: bool, reason: str,
                     actor: str) -> str:
    """Blacklist a flagged customer (a recorded status change) or dismiss the flag; one commit.

    Blacklisting sets the customer's status and reason as the status endpoint does and appends
    the old and new values to the change history; either way the candidate's decision, who made
    it and why are appended there too. Returns the customer's id.
    """
    if not reason.strip():
        raise Invalid("a reason is required", fields={"reason": ["required"]})
    with services.uow() as uow:
        session = uow.session
        candidate = session.get(BlacklistCandidate, candidate_id)
        if candidate is None:
            raise NotFound(f"unknown blacklist candidate {candidate_id}")
        customer = lock_customer(uow, candidate.customer_id)
        session.refresh(candidate)
        if candidate.status != "pending":
            raise Conflict(f"candidate {candidate_id} ({candidate.customer_id}) is already "
                           f"{candidate.status}; it cannot be decided again")
        if blacklist:
            customer.status = "blacklisted"
            customer.status_reason = f"{reason.strip()} ({actor})"
            record_changes(session, customer, "customer", customer.id,
                           ("status", "status_reason"), actor)
        decision = "blacklisted" if blacklist else "dismissed"
        session.add_all([
            ChangeRecord(entity=CANDIDATE_ENTITY, entity_id=str(candidate.id), field="status",
                         old_value=candidate.status, new_value=decision, changed_by=actor),
            ChangeRecord(entity=CANDIDATE_ENTITY, entity_id=str(candidate.id), field="note",
                         old_value=None, new_value=reason.strip(), changed_by=actor)])
        candidate.status = decision
        uow.commit()
        return customer.id


class BlacklistCandidateView(QueueView):
    """Customers flagged for invoices paid far too late: blacklist with a reason, or dismiss."""

    @expose("/")
    def index(self) -> Any:
        """Pending candidates first, then decided ones, each with its late-invoice count."""
        page = page_number()
        query = (select(BlacklistCandidate, Customer)
                 .join(Customer, Customer.id == BlacklistCandidate.customer_id)
                 .order_by((BlacklistCandidate.status != "pending"),
                           BlacklistCandidate.flagged_on.desc(), BlacklistCandidate.id))
        with self.services.database.sessions() as session:
            rows, pages = paged(session, query, page)
            candidates = [{"candidate_id": cand.id, "customer_id": cand.customer_id,
                           "customer_name": customer.name, "tier": customer.tier_code,
                           "customer_status": customer.status,
                           "status_reason": customer.status_reason or "",
                           "flagged_on": cand.flagged_on, "late_invoices": cand.late_invoices,
                           "status": cand.status} for cand, customer in rows]
        return self.render("policy/queue_blacklist.html", candidates=candidates, page=page,
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
            customer_id = decide_candidate(self.services, candidate_id,
                                           blacklist=action == "blacklist", reason=reason,
                                           actor=auth.actor())
        except NotFound:
            abort(404)
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Customer %(customer)s: %(action)s.", customer=customer_id,
                    action=_("blacklisted") if action == "blacklist" else _("dismissed")),
                  "success")
        return redirect(url_for(".index"))


def add_views(admin: Admin, services: Services, _session: Any) -> None:
    """Register the review, stop-supply, legal-case and blacklist-candidate queues."""
    category = lazy("Receivables")
    admin.add_view(ReviewQueueView(services, name=lazy("Review proposals"), category=category,
                                   endpoint="review_queue", url="/admin/reviews"))
    admin.add_view(StopSupplyView(services, name=lazy("Stop supply"), category=category,
                                  endpoint="stop_supply", url="/admin/stop-supply"))
    admin.add_view(LegalCaseView(services, name=lazy("Legal cases"), category=category,
                                 endpoint="legal_cases", url="/admin/legal-cases"))
    admin.add_view(BlacklistCandidateView(services, name=lazy("Blacklist candidates"),
                                          category=category, endpoint="blacklist_candidates",
                                          url="/admin/blacklist"))
