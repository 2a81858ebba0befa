"""The KPI page (考核): DSO, CEI, overdue ratio, days late, collected, written off (read-only).

Under the table, one chart per figure and currency over the twelve months up to the as-of
date (services/receivables/kpi_history: each month as the KPI report would give it).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import request
from flask_admin import expose

from policy_service.admin import charts
from policy_service.admin.refusals import refusal
from policy_service.admin.views.queues import QueueView
from policy_service.services.errors import Invalid
from policy_service.services.receivables import kpis
from policy_service.services.receivables.kpi_history import kpi_history


class KpiView(QueueView):
    """The KPIs as of a date over a period, overall and per account owner, per currency."""

    write_roles = ()

    @expose("/")
    def index(self) -> Any:
        """As of ``?as_of`` (default today) over ``?period_days`` (default 90); the charts."""
        error = None
        try:
            as_of = date.fromisoformat(request.args.get("as_of") or self.today().isoformat())
            period_days = int(request.args.get("period_days") or 90)
            document = kpis.kpis(self.services.uow(), as_of, period_days,
                                 self.services.settings.timezone)
        except (ValueError, Invalid) as exc:
            error = refusal(str(getattr(exc, "message", exc)))
            as_of, period_days = self.today(), 90
            document = kpis.kpis(self.services.uow(), as_of, period_days,
                                 self.services.settings.timezone)
        rows = [("*", currency, values) for currency, values in document["overall"].items()]
        rows += [(owner, currency, values) for owner, currencies in document["by_owner"].items()
                 for currency, values in currencies.items()]
        months = kpi_history(self.services.uow(), as_of, self.services.settings.timezone)
        currencies = sorted({c for m in months for c in m["overall"]})
        periods = [{"as_of": m["as_of"], "period_days": m["period_days"]} for m in months]
        configs = {c: charts.kpi_charts(c, months) for c in currencies}
        return self.render("policy/kpis.html", rows=rows, as_of=as_of, period_days=period_days,
                           error=error, configs=configs, periods=periods,
                           figures=charts.KPI_FIGURES)
