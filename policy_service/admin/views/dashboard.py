"""The admin index: a dashboard of pictures for staff, and the look-ups for sales."""

from __future__ import annotations

from typing import Any

from flask_admin import AdminIndexView, expose

from policy_service.admin import auth, charts
from policy_service.admin.i18n import _
from policy_service.admin.metrics import dashboard
from policy_service.admin.views.base import RoleChecked
from policy_service.container import Services
from policy_service.services.credit import queries as credit_queries


class DashboardView(RoleChecked, AdminIndexView):
    """Exposure against limits, aging buckets, held orders and the overdue trend."""

    read_roles = auth.EVERYONE

    def __init__(self, services: Services, **kwargs: Any) -> None:
        self.services = services
        super().__init__(**kwargs)

    @expose("/")
    def index(self) -> Any:
        """Staff see the charts; sales see their look-ups."""
        if not auth.has_role(*auth.STAFF):
            with self.services.database.sessions() as session:
                mine = credit_queries.own_customers(session, auth.actor())
            return self.render("policy/sales_home.html", customers=mine)
        with self.services.database.sessions() as session:
            figures = dashboard(session, self.services.today())
        buckets = list(figures.aging)
        return self.render(
            "policy/dashboard.html", figures=figures,
            exposure_chart=charts.limit_bars(figures.top_exposure,
                                             title=_("Exposure against limit")),
            aging_chart=charts.column_chart(buckets, list(figures.aging.values()),
                                            title=_("Aging buckets (days past due)")),
            trend_chart=charts.line_chart([d.isoformat() for d, _v in figures.trend],
                                          [v for _d, v in figures.trend],
                                          title=_("Overdue amount, last 12 weeks")),
        )
