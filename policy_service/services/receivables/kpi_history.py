"""The KPIs month by month (考核趋势): the last twelve calendar months up to a date.

Each month is exactly one ``GET /v1/reports/kpis?as_of=…&period_days=…``: as of the
month's last day (the current month: as of the date itself, month to date), over the days
since the previous month's end. The twelve computations share one unit of work, and each
month's opening receivables are the previous month's closing ones, queried once.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from policy_service.services.receivables.kpis import book_of, kpi_sums, overall
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
    out = []
    with uow:
        book = book_of(uow.session, timezone)  # a month opens where the one before closed
        for end, days in month_periods(as_of, months):
            rows = kpi_sums(uow.session, end, days, timezone, book)
            out.append({"as_of": end.isoformat(), "period_days": days,
                        "month": f"{end:%Y-%m}", "overall": overall(rows, days)})
    return out
