"""The KPI page's charts in Chromium: a chart per figure and currency, twelve months, each
point what `GET /v1/reports/kpis` says for that month; in Chinese no English is left."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
import requests

from tests.browser.conftest import in_chinese, log_in, shot
from tests.browser.test_admin_chinese import VISIBLE_TEXT, english_words
from tests.e2e.conftest import Server

pytestmark = [pytest.mark.browser]
FIGURES = ("dso", "cei", "overdue_ratio", "avg_days_late", "collected", "written_off")
CHART = """id => { const c = Chart.getChart(id); return c && {
  data: c.data.datasets[0].data, labels: c.data.labels, drawn: c.getDatasetMeta(0).data.length,
  texts: [c.options.plugins.title.text, c.options.scales.x.title.text,
          c.options.scales.y.title.text, c.data.datasets[0].label]}; }"""


def _send(server: Server, keys: dict[str, dict[str, str]], method: str, path: str,
          body: dict[str, Any], role: str = "order_system") -> None:
    requests.request(method, f"{server.base_url}{path}", headers=keys[role], json=body,
                     timeout=10).raise_for_status()


def _book(server: Server, keys: dict[str, dict[str, str]], today: date) -> None:
    """A CNY and a JPY customer with invoices and payments over the last months; a write-off."""
    for customer, currency, limit in (("C-KPI", "CNY", "1000000.00"), ("C-YEN", "JPY", "9000000")):
        _send(server, keys, "PUT", f"/v1/customers/{customer}", {
            "name": f"{customer} Co", "tier": "B", "credit_limit": limit, "currency": currency,
            "owner": "sales1"})
    for n in range(6):
        issued = today - timedelta(days=30 * n + 45)
        _send(server, keys, "POST", "/v1/invoices", {
            "invoice_id": f"I-KPI-{n}", "customer_id": "C-KPI", "amount": f"{1000 * (n + 1)}.00",
            "currency": "CNY", "issue_date": issued.isoformat(),
            "due_date": (issued + timedelta(days=30)).isoformat()})
        _send(server, keys, "POST", "/v1/invoices", {
            "invoice_id": f"I-YEN-{n}", "customer_id": "C-YEN", "amount": f"{50000 + n}",
            "currency": "JPY", "issue_date": issued.isoformat(),
            "due_date": (issued + timedelta(days=30)).isoformat()})
        if n % 2:
            _send(server, keys, "POST", "/v1/payments", {
                "payment_id": f"P-KPI-{n}", "invoice_id": f"I-KPI-{n}",
                "amount": f"{500 * (n + 1)}.00", "currency": "CNY",
                "paid_at": (issued + timedelta(days=40)).isoformat()})
    _send(server, keys, "POST", "/v1/invoices/I-KPI-4/write-off", {"note": "insolvent"},
          "risk_manager")


def test_each_kpi_is_charted_by_month_as_the_api_reports_it_in_both_languages(
        browser: Any, server: Server) -> None:
    shown = re.search(r"\d{4}-\d{2}-\d{2}", server.cli("clock", "show"))
    assert shown is not None
    today = date.fromisoformat(shown.group())
    keys = {role: server.key(role) for role in ("order_system", "risk_manager", "auditor")}
    _book(server, keys, today)
    page = log_in(browser, server, "auditor1")
    page.goto(f"{server.base_url}/admin/kpis/?as_of={today}")
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-kpi-written_off-JPY')")
    shot(page, "admin-kpi-charts")
    periods = json.loads(page.get_attribute("#kpi-charts-CNY", "data-periods") or "[]")
    assert len(periods) == 12 and periods[-1]["as_of"] == today.isoformat()
    reports = [requests.get(f"{server.base_url}/v1/reports/kpis", headers=keys["auditor"],
                            params=p, timeout=10).json()["overall"] for p in periods]
    nonzero = set()
    for currency in ("CNY", "JPY"):
        for figure in FIGURES:
            chart = page.evaluate(CHART, f"chart-kpi-{figure}-{currency}")
            assert chart is not None, (figure, currency)
            expected = [r.get(currency, {}).get(figure) for r in reports]
            assert chart["data"] == [None if v is None else float(v) for v in expected]
            assert chart["drawn"] == 12 and chart["labels"] == [p["as_of"][:7] for p in periods]
            assert all(chart["texts"])  # a title, both axes and the series are labelled
            if any(v not in (None, 0) for v in chart["data"]):
                nonzero.add(figure)
    assert nonzero == set(FIGURES)  # the book moves every figure at least once
    in_chinese(page)
    page.goto(f"{server.base_url}/admin/kpis/?as_of={today}")
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-kpi-dso-CNY')")
    shot(page, "admin-kpi-charts-zh")
    assert english_words(page.evaluate(VISIBLE_TEXT)) == []
    texts = [t for currency in ("CNY", "JPY") for figure in FIGURES
             for t in page.evaluate(CHART, f"chart-kpi-{figure}-{currency}")["texts"]]
    assert english_words(" ".join(texts)) == [] and "月度回款，CNY" in texts
