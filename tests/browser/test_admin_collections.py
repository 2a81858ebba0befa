"""The collector's worklist in Chromium: a call logged through the real form, read back by API."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import requests

from tests.browser.conftest import log_in, shot
from tests.e2e.conftest import Server

pytestmark = [pytest.mark.browser]


def test_a_collector_logs_a_call_from_the_worklist_in_two_clicks(browser: Any,
                                                                  server: Server) -> None:
    erp = server.key("order_system")
    requests.put(f"{server.base_url}/v1/customers/C-CALL", headers=erp, json={
        "name": "Call Co", "tier": "B", "credit_limit": "10000.00", "currency": "CNY",
        "owner": "sales1"}, timeout=10).raise_for_status()
    due = date.today() - timedelta(days=12)  # the server runs on the real clock
    requests.post(f"{server.base_url}/v1/invoices", headers=erp, json={
        "invoice_id": "INV-CALL", "customer_id": "C-CALL", "amount": "2500.00",
        "currency": "CNY", "issue_date": (due - timedelta(days=30)).isoformat(),
        "due_date": due.isoformat()}, timeout=10).raise_for_status()
    page = log_in(browser, server, "sales1")
    page.goto(f"{server.base_url}/admin/worklist/")
    row = page.locator('tr.worklist-row[data-customer="C-CALL"]')
    assert "2,500.00 CNY" in row.inner_text()
    row.locator('input[name="note"]').fill("will pay next week")  # optional
    row.locator('button[value="reached"]').click()
    page.wait_for_selector(".alert-success")
    shot(page, "worklist")
    response = requests.get(f"{server.base_url}/v1/customers/C-CALL/contacts",
                            headers=server.key("auditor"), timeout=10)
    assert response.status_code == 200, response.text
    assert [(c["channel"], c["outcome"], c["note"], c["by"])
            for c in response.json()["contacts"]] == [
        ("phone", "reached", "will pay next week", "sales1")]
    assert "sales1" in page.locator('tr.worklist-row[data-customer="C-CALL"] .last-contact'
                                    ).inner_text()
