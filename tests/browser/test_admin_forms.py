"""Admin forms filled and saved in Chromium, the result read back through the API."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import requests

from policy_service.domain.dates import add_months
from tests.browser.conftest import log_in
from tests.e2e.conftest import Server

pytestmark = [pytest.mark.browser]


def _customer(server: Server, customer_id: str) -> dict[str, Any]:
    response = requests.get(f"{server.base_url}/v1/customers/{customer_id}/credit",
                            headers=server.key("auditor"), timeout=10)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _put_customer(server: Server, customer_id: str, tier: str = "B") -> None:
    requests.put(f"{server.base_url}/v1/customers/{customer_id}",
                 headers=server.key("order_system"), json={
                     "name": f"Form Co {customer_id}", "tier": tier,
                     "credit_limit": "10000.00", "currency": "CNY"},
                 timeout=10).raise_for_status()


def test_a_risk_manager_saves_a_customer_form_unchanged_and_then_a_new_limit(
        browser: Any, server: Server) -> None:
    _put_customer(server, "C-FORM")
    page = log_in(browser, server, "risk1")
    page.goto(f"{server.base_url}/admin/customers/edit/?id=C-FORM")
    assert page.locator('form.admin-form input[name="csrf_token"]').count() == 1
    page.click('input[type="submit"][value="Save"]')
    assert "Failed to save record" not in page.content()
    page.goto(f"{server.base_url}/admin/customers/edit/?id=C-FORM")
    page.fill("#credit_limit", "25000.00")
    page.click('input[type="submit"][value="Save"]')
    page.wait_for_selector(".alert-success")
    assert _customer(server, "C-FORM")["credit_limit"] == "25000.00"
    page.goto(f"{server.base_url}/admin/customers/?search=C-FORM")
    row = page.locator("tr", has_text="C-FORM").first.inner_text()
    assert "object at 0x" not in row and "\tB\t" in row


def test_a_status_change_with_a_reason_saves_and_the_api_shows_it(browser: Any,
                                                                   server: Server) -> None:
    _put_customer(server, "C-STOP")
    page = log_in(browser, server, "risk1")
    page.goto(f"{server.base_url}/admin/customers/edit/?id=C-STOP")
    page.click("#s2id_status")  # the select2 widget, as a user picks from it
    page.click('.select2-result-label:text-is("blacklisted")')
    page.fill("#status_reason", "fraud confirmed by the bank")
    page.click('input[type="submit"][value="Save"]')
    page.wait_for_selector(".alert-success")
    assert _customer(server, "C-STOP")["status"] == "blacklisted"


def test_a_tier_form_saves_and_new_customers_of_the_tier_follow_it(browser: Any,
                                                                     server: Server) -> None:
    page = log_in(browser, server, "risk1")
    page.goto(f"{server.base_url}/admin/tiers/edit/?id=C")
    assert page.locator('form.admin-form input[name="csrf_token"]').count() == 1
    page.fill("#review_interval_months", "2")
    page.click('input[type="submit"][value="Save"]')
    page.wait_for_selector(".alert-success")
    _put_customer(server, "C-TIER", tier="C")
    today = date.today()  # the server runs on the real clock
    assert _customer(server, "C-TIER")["next_review_date"] == add_months(today, 2).isoformat()


def test_a_risk_manager_closes_a_legal_case_in_the_queue_and_the_api_shows_the_outcome(
        browser: Any, server: Server) -> None:
    clock = requests.get(f"{server.base_url}/v1/clock", headers=server.key("auditor"),
                         timeout=10).json()
    today = date.fromisoformat(clock["today"])
    due = today - timedelta(days=120)  # past the legal_action step of the shipped escalation
    _put_customer(server, "C-LEGAL", tier="C")
    requests.post(f"{server.base_url}/v1/invoices", headers=server.key("order_system"), json={
        "invoice_id": "I-LEGAL", "customer_id": "C-LEGAL", "amount": "5000.00",
        "currency": "CNY", "issue_date": (due - timedelta(days=30)).isoformat(),
        "due_date": due.isoformat()}, timeout=10).raise_for_status()
    server.cli("daily", "--as-of", today.isoformat())

    def cases(status: str) -> list[dict[str, Any]]:
        response = requests.get(f"{server.base_url}/v1/legal-cases?status={status}",
                                headers=server.key("auditor"), timeout=10)
        assert response.status_code == 200, response.text
        return [c for c in response.json()["legal_cases"] if c["invoice_id"] == "I-LEGAL"]

    (case,) = cases("open")
    page = log_in(browser, server, "risk1")
    page.goto(f"{server.base_url}/admin/legal-cases/?status=open")
    row = page.locator('tr.case-row[data-invoice="I-LEGAL"]')
    row.locator('select[name="outcome"]').select_option("recovered")
    row.locator('input[name="note"]').fill("paid in full after the court hearing")
    row.locator("button.close-case").click()
    page.wait_for_selector(".alert-success")
    assert cases("open") == []
    (closed,) = cases("closed")
    assert (closed["case_id"], closed["outcome"], closed["closed_on"]) == (
        case["case_id"], "recovered", today.isoformat())
