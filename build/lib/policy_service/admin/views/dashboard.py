"""The admin index: the book per currency for staff, and the look-ups for sales."""

from __future__ import annotations

from typing import Any

from flask_admin import AdminIndexView, expose

from policy_service.admin import auth, charts
from policy_service.admin.metrics import dashboard
from policy_service.admin.views.base import RoleChecked
from policy_service.container import Services
from policy_service.services.credit import queries as credit_queries
from policy_service.services.day import alert_queries


class DashboardView(RoleChecked, AdminIndexView):
    """Per currency: exposure, overdue and its share, provision, queues; three charts each."""

    read_roles = auth.EVERYONE

    def __init__(self, services: Services, **kwargs: Any) -> None:
        self.services = services
        super().__init__(**kwargs)

    @expose("/")
    def index(self) -> Any:
        """Staff see the books; sales see their look-ups."""
        if not auth.has_role(*auth.STAFF):
            with self.services.database.sessions() as session:
                mine = credit_queries.own_customers(session, auth.actor())
            return self.render("policy/sales_home.html", customers=mine)
        today = self.services.today()
        books = dashboard(self.services, today)
        with self.services.database.sessions() as session:
            open_alerts = alert_queries.open_alert_count(session)
        configs = {book.currency: {
            "utilization": charts.utilization_chart(book.currency, book.customers),
            "aging": charts.aging_chart(book.currency, book.buckets),
            "trend": charts.trend_chart(book.currency, book.trend)} for book in books}
        return self.render("policy/dashboard.html", books=books, configs=configs,
                           today=today, open_alerts=open_alerts)
