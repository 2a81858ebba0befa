"""The aging report screen (账龄分析) as of a date, and the as-of date the customer page reads.

A past date shows what was known then (invoices issued, payments value-dated, penalties
accrued and write-offs made by that date), through the same service as
``GET /v1/reports/aging?as_of=``; one table per currency, never a total across currencies.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import request
from flask_admin import expose

from policy_service.admin.i18n import _
from policy_service.admin.views.queues import QueueView
from policy_service.domain.aging import BUCKETS, CLASSES
from policy_service.domain.bounds import EARLIEST_DATE
from policy_service.services.receivables.aging_report import aging_report


def as_of_arg(today: date) -> tuple[date, str | None]:
    """The ``?as_of=`` date (default today) and, for a date that is not one or lies after
    today, today with the message saying why."""
    text = (request.args.get("as_of") or "").strip()
    if not text:
        return today, None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return today, _("The as-of date is not a date (YYYY-MM-DD); showing today.")
    if day > today:
        return today, _("The aging can only be shown up to today (%(today)s).",
                        today=today.isoformat())
    if day < EARLIEST_DATE:
        return today, _("Dates start on %(day)s; showing today.", day=EARLIEST_DATE.isoformat())
    return day, None


class AgingView(QueueView):
    """Buckets, classes and provisions per currency as of a date (read-only)."""

    write_roles = ()

    @expose("/")
    def index(self) -> Any:
        """As of ``?as_of`` (default today)."""
        today = self.today()
        as_of, error = as_of_arg(today)
        report = aging_report(self.services.uow(), self.services.rulesets, as_of, today)
        return self.render("policy/aging.html", report=report, as_of=as_of, today=today,
                           error=error, buckets=BUCKETS, classes=CLASSES)
