"""A risk manager resolves a dispute in Chromium through the real form, read back by the API;
the resolve form, the queue and the customer page read in Chinese with every input named."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import requests

from tests.browser.a11y_checks import LOW_CONTRAST, OVERFLOWING, UNNAMED_INPUTS
from tests.browser.conftest import DIALOGS, in_chinese, log_in, shot
from tests.browser.test_admin_chinese import VISIBLE_TEXT, english_words
from tests.e2e.conftest import Server

pytestmark = [pytest.mark.browser]


def _book(server: Server) -> date:
    """C-DSP owes two invoices 12 days past due; 800.00 of INV-DSP-1 and all of -2 disputed."""
    erp = server.key("order_system")
    base = server.base_url
    today = date.fromisoformat(requests.get(f"{base}/v1/clock", headers=erp,
                                            timeout=10).json()["today"])
    requests.put(f"{base}/v1/customers/C-DSP", headers=erp, json={
        "name": "Dispute Co", "tier": "B", "credit_limit": "10000.00", "currency": "CNY",
        "owner": "sales1"}, timeout=10).raise_for_status()
    due = today - timedelta(days=12)
    for invoice_id, amount in (("INV-DSP-1", "2000.00"), ("INV-DSP-2", "500.00")):
        requests.post(f"{base}/v1/invoices", headers=erp, json={
            "invoice_id": invoice_id, "customer_id": "C-DSP", "amount": amount,
            "currency": "CNY", "issue_date": (due - timedelta(days=30)).isoformat(),
            "due_date": due.isoformat()}, timeout=10).raise_for_status()
    for dispute_id, invoice_id, body in (("D-DSP-1", "INV-DSP-1", {"amount": "800.00"}),
                                         ("D-DSP-2", "INV-DSP-2", {})):
        requests.post(f"{base}/v1/invoices/{invoice_id}/disputes", headers=erp, json={
            "dispute_id": dispute_id, "reason": "damaged", **body},
            timeout=10).raise_for_status()
    return today


def _get(server: Server, path: str, headers: dict[str, str]) -> Any:
    response = requests.get(f"{server.base_url}{path}", headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_risk_manager_resolves_a_dispute_for_the_customer_with_a_partial_credit_note(
        browser: Any, server: Server) -> None:
    today = _book(server)
    auditor = server.key("auditor")
    before = Decimal(_get(server, "/v1/invoices/INV-DSP-1", auditor)["outstanding"])
    page = log_in(browser, server, "risk1")
    page.goto(f"{server.base_url}/admin/customer/C-DSP")
    page.locator("#customer-disputes li", has_text="INV-DSP-1").locator(
        "a.resolve-dispute").click()
    page.wait_for_selector("#resolve-form")
    amount = page.get_by_label("Credit-note amount (for the customer only; at most the "
                               "disputed amount)")
    assert amount.input_value() == "800.00"
    assert page.inner_text("#credit-note-currency") == "CNY"
    assert page.get_by_label("The customer (issue a credit note)").is_checked()
    amount.fill("300.00")
    page.get_by_label("Note", exact=True).fill("three cartons broken")
    shot(page, "dispute-resolve")
    page.click("#resolve-dispute")
    page.wait_for_selector(".alert-success")
    assert DIALOGS[-1] == ("Resolve dispute D-DSP-1 on invoice INV-DSP-1? This cannot be "
                           "undone.")
    assert page.url == f"{server.base_url}/admin/customer/C-DSP"
    assert "credit note 300.00 CNY on invoice INV-DSP-1" in page.inner_text(".alert-success")
    disputes = {d["dispute_id"]: d for d in _get(
        server, "/v1/customers/C-DSP/disputes", auditor)["disputes"]}
    resolved = disputes["D-DSP-1"]
    assert (resolved["status"], resolved["in_favour_of"], resolved["credit_note_amount"],
            resolved["resolved_by"], resolved["resolution_note"]) == (
        "resolved", "customer", "300.00", "risk1", "three cartons broken")
    assert disputes["D-DSP-2"]["status"] == "open"
    invoice = _get(server, "/v1/invoices/INV-DSP-1", auditor)
    assert invoice["credited"] == "300.00"
    assert before - Decimal(invoice["outstanding"]) == Decimal("300.00")
    statement = _get(server, f"/v1/customers/C-DSP/statement?from={today - timedelta(days=60)}"
                     f"&to={today}", server.key("risk_manager"))
    notes = [(line["ref"], line["credit"]) for line in statement["lines"]
             if line["type"] == "credit_note"]
    assert len(notes) == 1 and notes[0][1] == "300.00", statement["lines"]


def test_the_resolve_screens_read_in_chinese_and_name_every_input(
        browser: Any, server: Server) -> None:
    page = log_in(browser, server, "risk2")
    in_chinese(page)
    leftovers, unnamed = {}, {}
    for path in ("/admin/disputes/", "/admin/disputes/D-DSP-2/resolve",
                 "/admin/customer/C-DSP"):
        page.goto(server.base_url + path)
        assert page.get_attribute("html", "lang") == "zh-Hans", path
        if words := english_words(page.evaluate(VISIBLE_TEXT)):
            leftovers[path] = words
        if names := page.evaluate(UNNAMED_INPUTS):
            unnamed[path] = names
    assert page.locator("#resolve-form").count() == 0  # the customer page has no form
    page.goto(f"{server.base_url}/admin/disputes/D-DSP-2/resolve")
    assert page.get_by_label("备注", exact=True).count() == 1
    amount = page.get_by_label("贷项通知单金额（仅在有利于客户时；不超过争议金额）")
    assert amount.input_value() == "500.00"
    shot(page, "dispute-resolve-zh")
    assert page.evaluate(LOW_CONTRAST) == []
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(50)  # let the layout settle after the resize
    assert page.evaluate(OVERFLOWING) == []
    assert (leftovers, unnamed) == ({}, {})


def test_resolving_for_the_company_hides_the_credit_note_and_issues_none(
        browser: Any, server: Server) -> None:
    auditor = server.key("auditor")
    before = _get(server, "/v1/invoices/INV-DSP-2", auditor)
    page = log_in(browser, server, "risk1")
    page.goto(f"{server.base_url}/admin/disputes/D-DSP-2/resolve")
    amount = page.locator("#credit-note-amount")
    assert amount.is_visible()
    page.get_by_label("The company (the invoice stays as it is)").check()
    assert amount.is_hidden() and amount.is_disabled()
    page.get_by_label("The customer (issue a credit note)").check()
    assert amount.is_visible() and amount.is_enabled()
    page.get_by_label("The company (the invoice stays as it is)").check()
    page.get_by_label("Note", exact=True).fill("photos show the goods arrived whole")
    page.click("#resolve-dispute")
    page.wait_for_selector(".alert-success")
    assert "resolved in the company's favour" in page.inner_text(".alert-success")
    resolved = {d["dispute_id"]: d for d in _get(
        server, "/v1/customers/C-DSP/disputes", auditor)["disputes"]}["D-DSP-2"]
    assert (resolved["status"], resolved["in_favour_of"], resolved["credit_note_amount"]) == (
        "resolved", "company", None)
    after = _get(server, "/v1/invoices/INV-DSP-2", auditor)
    assert (after["credited"], after["outstanding"]) == (before["credited"],
                                                         before["outstanding"])
