"""Collection KPIs (考核) as of a date, per currency, overall and by account owner; CSV.

Everything is taken as it was known on each date: invoices issued by then, payments
with a value date by then, credit notes and write-offs made by then (their business date).
Receivables are open principal; the sums come from kpi_scans (the same bucketed scans as
the KPI page's twelve months, over the period's two dates), the arithmetic is
``domain.kpi``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from policy_service.domain.kpi import KpiSums, figures, total
from policy_service.services.errors import Invalid
from policy_service.services.receivables.kpi_scans import Key, period_sums
from policy_service.services.spreadsheet import amount_cell, csv_text
from policy_service.services.unit_of_work import UnitOfWork

MAX_PERIOD_DAYS = 3660
FIGURES = ("dso", "cei", "overdue_ratio", "avg_days_late", "collected", "written_off",
           "receivables", "credit_sales")
CSV_COLUMNS = ("owner", "currency", *FIGURES)
MONEY = ("collected", "written_off", "receivables", "credit_sales")


def kpi_sums(session: Session, as_of: date, period_days: int, timezone: str
             ) -> dict[Key, KpiSums]:
    """The sums of every (owner, currency) with anything to show over the period
    (as_of − period_days, as_of]: kpi_scans' scans over its two dates."""
    (sums,) = period_sums(session, timezone, [as_of - timedelta(days=period_days), as_of])
    return sums


def _checked(period_days: int) -> None:
    if not 1 <= period_days <= MAX_PERIOD_DAYS:
        raise Invalid(f"period_days must be from 1 to {MAX_PERIOD_DAYS}",
                      fields={"period_days": [f"1 to {MAX_PERIOD_DAYS}"]})


def kpis(uow: UnitOfWork, as_of: date, period_days: int, timezone: str,
         owner: str | None = None) -> dict[str, Any]:
    """GET /v1/reports/kpis: overall and by owner, one set of figures per currency."""
    _checked(period_days)
    with uow:
        rows = kpi_sums(uow.session, as_of, period_days, timezone)
    if owner is not None:
        rows = {k: v for k, v in rows.items() if k[0] == owner}
    by_owner: dict[str, dict[str, Any]] = defaultdict(dict)
    for (who, currency), sums in sorted(rows.items()):
        by_owner[who][currency] = figures(sums, period_days, currency)
    return {"as_of": as_of.isoformat(), "period_days": period_days,
            "overall": overall(rows, period_days), "by_owner": dict(by_owner)}


def overall(rows: dict[Key, KpiSums], period_days: int) -> dict[str, dict[str, Any]]:
    """The figures of all owners together, per currency (amounts never mixed)."""
    by_currency: dict[str, list[KpiSums]] = defaultdict(list)
    for (_who, currency), sums in sorted(rows.items()):
        by_currency[currency].append(sums)
    return {c: figures(total(s), period_days, c) for c, s in sorted(by_currency.items())}


def kpis_csv(document: dict[str, Any]) -> str:
    """One row per owner and currency (and the overall rows, owner ``*``), UTF-8 with BOM;
    the money figures in the currency's minor unit."""
    def row(owner: str, currency: str, values: dict[str, Any]) -> list[Any]:
        return [owner, currency, *(
            "" if values[f] is None else amount_cell(values[f], currency) if f in MONEY
            else values[f] for f in FIGURES)]
    return csv_text(CSV_COLUMNS, (
        row(owner, currency, values)
        for owner, currencies in [("*", document["overall"]), *document["by_owner"].items()]
        for currency, values in currencies.items()))
