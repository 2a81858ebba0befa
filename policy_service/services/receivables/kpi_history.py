"""The KPIs month by month (考核趋势): the last twelve calendar months up to a date.

Each month is exactly one ``GET /v1/reports/kpis?as_of=…&period_days=…``: as of the
month's last day (the current month: as of the date itself, month to date), over the days
since the previous month's end. The sums of all months come from one run of kpi_scans' four
bucketed scans over the 13 dates (the first opening, then each month's end), as the report's
one period does over its two; the figures are ``domain.kpi``'s, as in the report.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from policy_service.services.receivables.kpi_scans import period_sums
from policy_service.services.receivables.kpis import overall
from policy_service.services.unit_of_work import UnitOfWork

MONTHS = 12


def month_periods(as_of: date, months: int = MONTHS) -> list[tuple[date, int]]:
    """(as of, days in the period) of each month, oldest first; the last one ends at as_of."""
    periods: list[tuple[date, int]] = []
    end = as_of
    for _ in range(months):
        before = end.replace(day=1) - timedelta(days=1)  # the previous month's last day
        periods.append((end, (end - before).days))
        end = before
    return periods[::-1]


def kpi_history(uow: UnitOfWork, as_of: date, timezone: str, months: int = MONTHS
                ) -> list[dict[str, Any]]:
    """Per month: ``{as_of, period_days, month: "YYYY-MM", overall: {CUR: {…}}}``."""
    periods = month_periods(as_of, months)
    ends = [end for end, _days in periods]
    days = [periods[0][0] - timedelta(days=periods[0][1]), *ends]  # first opening, month ends
    with uow:
        sums = period_sums(uow.session, timezone, days)
    return [{"as_of": end.isoformat(), "period_days": length, "month": f"{end:%Y-%m}",
             "overall": overall(sums[n], length)}
            for n, (end, length) in enumerate(periods)]

