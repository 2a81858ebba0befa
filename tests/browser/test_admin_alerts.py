"""The Early warning screen in Chromium: a day's run raises alerts, the filter form narrows them."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
import requests

from tests.browser.conftest import log_in, shot
from tests.e2e.conftest import Server

pytestmark = [pytest.mark.browser]


def _post(server: Server, path: str, body: dict[str, Any]) -> None:
    requests.post(f"{server.base_url}{path}", headers=server.key("order_system"), json=body,
                  timeout=10).raise_for_status()


def test_an_auditor_filters_the_alerts_by_level_and_sees_what_the_api_says(
        browser: Any, server: Server) -> None:
    shown = re.search(r"\d{4}-\d{2}-\d{2}", server.cli("clock", "show"))
    assert shown is not None
    today = date.fromisoformat(shown.group())
    requests.put(f"{server.base_url}/v1/customers/C-WARN", headers=server.key("order_system"),
                 json={"name": "Warn Co", "tier": "B", "credit_limit": "10000.00",
                       "currency": "CNY", "owner": "sales1"}, timeout=10).raise_for_status()
    _post(server, "/v1/invoices", {"invoice_id": "I-WARN-1", "customer_id": "C-WARN",
                                   "amount": "9000.00", "currency": "CNY",
                                   "issue_date": (today - timedelta(days=1)).isoformat()})
    _post(server, "/v1/invoices", {"invoice_id": "I-WARN-2", "customer_id": "C-WARN",
                                   "amount": "2000.00", "currency": "CNY",
                                   "issue_date": (today - timedelta(days=40)).isoformat(),
                                   "due_date": (today - timedelta(days=10)).isoformat()})
    server.cli("daily", "--as-of", today.isoformat())
    api = requests.get(f"{server.base_url}/v1/alerts?status=open",
                       headers=server.key("auditor"), timeout=10).json()["alerts"]
    mine = {a["rule"]: a for a in api if a["customer_id"] == "C-WARN"}
    assert {"utilization_high", "utilization_over"} <= set(mine)
    page = log_in(browser, server, "auditor1")
    page.goto(f"{server.base_url}/admin/alerts/")
    page.select_option('#alert-filter select[name="level"]', "critical")
    page.click('#alert-filter button[type="submit"]')
    page.wait_for_url("**level=critical**")
    rows = page.locator('tr.alert-row[data-customer="C-WARN"]')
    critical = sorted(r for r, a in mine.items() if a["level"] == "critical")
    assert sorted(rows.nth(i).get_attribute("data-rule") for i in range(rows.count())) == critical
    assert mine["utilization_over"]["message"]["en"] in rows.first.inner_text()
    assert "over its credit limit of 10,000.00 CNY" in rows.first.inner_text()
    shot(page, "admin-alerts")
    page.goto(f"{server.base_url}/admin/")
    count = int(page.locator("#alert-count").inner_text())
    assert count == len(api)
