"""The early-warning screen: alerts the daily run raised, open first, filtered by level."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_admin import expose

from policy_service.admin.views import queues
from policy_service.admin.views.queues import QueueView, page_number
from policy_service.domain.codes import ALERT_LEVELS, ALERT_STATUSES
from policy_service.services.day import alert_queries


class AlertView(QueueView):
    """Early-warning alerts (预警) with their level, message, dates and rule set version."""

    @expose("/")
    def index(self) -> Any:
        """One page of alerts of a status (default open) and, optionally, one level."""
        status = request.args.get("status", "open")
        status = status if status in ALERT_STATUSES else "open"
        level = request.args.get("level") or None
        level = level if level in ALERT_LEVELS else None
        page = page_number()
        with self.services.database.sessions() as session:
            listed, pages = alert_queries.alerts_page(session, page, queues.page_size(),
                                                      status, level)
        return self.render("policy/queue_alerts.html", alerts=listed, page=page, pages=pages,
                           status=status, level=level, statuses=ALERT_STATUSES,
                           levels=ALERT_LEVELS)
