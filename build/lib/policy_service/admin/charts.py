"""The dashboard's charts as Chart.js configurations (the library is vendored under
admin/static/vendor: no CDN, nothing downloaded at run time).

Each builder returns a plain dict the template hands to ``new Chart(canvas, config)`` as
JSON; amounts go out as numbers of the currency's major unit for drawing only, while every
figure a person reads (titles, tooltips' source tables, the cards) is formatted by
``admin/formatting.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from policy_service.admin.i18n import _
from policy_service.services.credit.queries import CustomerExposure

BLUE, RED, AMBER, GREY = "#1565c0", "#c62828", "#ef6c00", "#616161"
BUCKET_COLORS = ("#2e7d32", "#f9a825", "#ef6c00", "#c62828", "#6a1b9a")


def _axis(title: str, **extra: Any) -> dict[str, Any]:
    return {"title": {"display": True, "text": title}, **extra}


def _options(title: str, x: dict[str, Any], y: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"responsive": True, "maintainAspectRatio": False, "animation": False,
            "plugins": {"title": {"display": True, "text": title},
                        "legend": {"display": False}},
            "scales": {"x": x, "y": y}, **extra}


def utilization_chart(currency: str, customers: Sequence[CustomerExposure]) -> dict[str, Any]:
    """Horizontal bars: each customer's exposure as a percent of its own limit (collateral
    counted), by name; over 100% is red, and a line marks 100%."""
    labels = [c.name or c.customer_id for c in customers]
    values = [float(c.utilization() or 0) for c in customers]
    colors = [RED if v > 100 else AMBER if v > 90 else BLUE for v in values]
    return {"type": "bar",
            "data": {"labels": labels, "datasets": [{
                "label": _("Utilization (percent of the limit)"), "data": values,
                "backgroundColor": colors}]},
            "options": _options(
                _("Exposure against limit, %(currency)s", currency=currency),
                _axis(_("Percent of the customer's limit (collateral counted)"), min=0,
                      suggestedMax=max([120.0, *values])),
                _axis(_("Customer")), indexAxis="y")}


def aging_chart(currency: str, buckets: dict[str, Decimal]) -> dict[str, Any]:
    """Columns per aging bucket (days past due) in one currency."""
    return {"type": "bar",
            "data": {"labels": [_bucket_label(b) for b in buckets],
                     "datasets": [{"label": currency,
                                   "data": [float(v) for v in buckets.values()],
                                   "backgroundColor": list(BUCKET_COLORS)}]},
            "options": _options(_("Aging, %(currency)s", currency=currency),
                                _axis(_("Days past due")), _axis(currency, min=0))}


def trend_chart(currency: str, trend: Sequence[tuple[date, Decimal]]) -> dict[str, Any]:
    """The overdue amount at the end of each of the last weeks, in one currency."""
    return {"type": "line",
            "data": {"labels": [day.isoformat() for day, _v in trend],
                     "datasets": [{"label": currency, "data": [float(v) for _d, v in trend],
                                   "borderColor": RED, "backgroundColor": RED}]},
            "options": _options(_("Overdue amount, last 12 weeks, %(currency)s",
                                  currency=currency),
                                _axis(_("Week ending")), _axis(currency, min=0))}


def _bucket_label(bucket: str) -> str:
    return _("not due") if bucket == "not_due" else _("%(range)s days", range=bucket)


def _kpi_texts(currency: str) -> dict[str, tuple[str, str]]:
    """Each KPI's chart title and y-axis title, through the catalogue."""
    c = currency
    return {
        "dso": (_("DSO (days sales outstanding) by month, %(currency)s", currency=c),
                _("Days")),
        "cei": (_("Collection effectiveness index (CEI) by month, %(currency)s", currency=c),
                _("Percent (of what could be collected)")),
        "overdue_ratio": (_("Overdue ratio by month, %(currency)s", currency=c),
                          _("Share overdue (0 to 1)")),
        "avg_days_late": (_("Average days late of payments by month, %(currency)s",
                            currency=c), _("Days late (amount-weighted)")),
        "collected": (_("Collected by month, %(currency)s", currency=c),
                      _("Amount collected, %(currency)s", currency=c)),
        "written_off": (_("Written off by month, %(currency)s", currency=c),
                        _("Amount written off, %(currency)s", currency=c)),
    }


KPI_FIGURES = ("dso", "cei", "overdue_ratio", "avg_days_late", "collected", "written_off")


def kpi_charts(currency: str, months: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """One line chart per KPI over the months (kpi_history's list) in one currency; a month
    where the figure is undefined (no credit sales for DSO) is a gap."""
    labels = [m["month"] for m in months]
    charts = {}
    for figure, (title, y_title) in _kpi_texts(currency).items():
        values = [m["overall"].get(currency, {}).get(figure) for m in months]
        charts[figure] = {
            "type": "line",
            "data": {"labels": labels, "datasets": [{
                "label": y_title,
                "data": [None if v is None else float(Decimal(v)) for v in values],
                "borderColor": BLUE, "backgroundColor": BLUE, "spanGaps": False}]},
            "options": _options(title, _axis(_("Month")), _axis(y_title, beginAtZero=True))}
    return charts
