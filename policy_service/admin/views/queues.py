"""The receivables day's queues: review proposals, stop-supply, legal cases, blacklist candidates.

Staff read every queue; only risk managers decide (approve or reject a review, blacklist or
dismiss a candidate), always with a note, and always through the same services as the API.
This module holds what the queue screens share and registers them; the screens are in
``queue_reviews``, ``queue_escalations`` (stop-supply, legal cases) and ``queue_candidates``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from flask import flash, request
from flask_admin import Admin

from policy_service.admin import auth
from policy_service.admin.i18n import _, lazy
from policy_service.admin.views.base import ProtectedView
from policy_service.container import Services

PAGE_SIZE = 50
RECENT = 20
DECIDERS = (auth.RISK,)


def page_number() -> int:
    """The ?page= argument (1-based; anything else is page 1)."""
    return max(request.args.get("page", 1, type=int) or 1, 1)


def page_size() -> int:
    """Rows per queue page (read at request time, so tests may shrink it)."""
    return PAGE_SIZE


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

    def today(self) -> date:
        """The service clock's date (days overdue are counted to it)."""
        return self.services.today()


def add_views(admin: Admin, services: Services) -> None:
    """Register the review, stop-supply, legal-case, blacklist-candidate and alert queues."""
    from policy_service.admin.views.aging import AgingView
    from policy_service.admin.views.kpis import KpiView
    from policy_service.admin.views.queue_alerts import AlertView
    from policy_service.admin.views.queue_candidates import BlacklistCandidateView
    from policy_service.admin.views.queue_escalations import LegalCaseView, StopSupplyView
    from policy_service.admin.views.queue_reviews import ReviewQueueView

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
    admin.add_view(AlertView(services, name=lazy("Early warning"), category=category,
                             endpoint="alerts", url="/admin/alerts"))
    admin.add_view(KpiView(services, name=lazy("KPIs"), category=category, endpoint="kpis",
                           url="/admin/kpis"))
    admin.add_view(AgingView(services, name=lazy("Aging report"), category=category,
                             endpoint="aging", url="/admin/aging"))
