"""A risk manager finds held orders, ticks two and releases them with one note."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import requests

from tests.browser.book import _send, seed_book
from tests.browser.conftest import in_chinese, log_in, shot
from tests.e2e.conftest import Server

pytestmark = [pytest.mark.browser]


def test_a_risk_manager_searches_ticks_two_holds_and_releases_them_with_one_note(
        browser: Any, server: Server) -> None:
    auditor = server.key("auditor")
    today = date.fromisoformat(requests.get(f"{server.base_url}/v1/clock", headers=auditor,
                                            timeout=10).json()["today"])
    held = seed_book(server, today)  # a realistic book around the two new holds
    _send(server, "PUT", "/v1/customers/C-HZ", {
        "name": "杭州西湖茶业有限公司", "tier": "B", "credit_limit": "100000.00",
        "currency": "CNY"})
    for order, amount in (("SO-HZ-1", "130000.00"), ("SO-HZ-2", "135000.00")):  # 30%+ over
        decision = _send(server, "POST", "/v1/credit-checks", {
            "order_id": order, "customer_id": "C-HZ", "amount": amount, "currency": "CNY"})
        assert decision["outcome"] == "hold", decision
        held[order] = decision["decision_id"]
    page = log_in(browser, server, "risk1")
    page.goto(f"{server.base_url}/admin/held/")
    page.fill("input[name='search']", "杭州西湖")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    listed = page.locator("table.model-list tbody tr")
    assert listed.count() == 2 and "SO-GZ-1" not in page.inner_text("table.model-list")
    for order in ("SO-HZ-1", "SO-HZ-2"):
        page.locator("tr", has_text=order).locator("input.action-checkbox").check()
    page.click("text=With selected")
    page.click("a.dropdown-item:text-is('Release')")
    page.wait_for_selector("#bulk-effects")
    question = page.inner_text("#bulk-question")
    assert "Release 2 held orders?" in question
    customer = page.inner_text("tr.bulk-customer[data-customer='C-HZ']")
    assert "杭州西湖茶业有限公司" in customer and "over the limit" in customer
    assert page.is_visible("#bulk-over-limit")
    shot(page, "held-bulk-confirm", readme=True)
    page.fill("#bulk-note", "Collateral pledged, CFO agreed")
    page.click("#bulk-confirm")
    success = page.wait_for_selector(".alert-success").inner_text()
    assert "Orders released: SO-HZ-1, SO-HZ-2." in success
    assert held["SO-HZ-1"] not in success
    for order in ("SO-HZ-1", "SO-HZ-2"):
        decision = requests.get(f"{server.base_url}/v1/credit-checks/{held[order]}",
                                headers=auditor, timeout=10).json()
        assert decision["status"] == "released", decision
        last = decision["history"][-1]
        assert (last["note"], last["actor"]) == ("Collateral pledged, CFO agreed", "risk1")


def test_the_bulk_confirmation_reads_in_chinese(browser: Any, server: Server) -> None:
    from tests.browser.test_admin_chinese import VISIBLE_TEXT, english_words

    page = log_in(browser, server, "risk2")
    in_chinese(page)
    page.goto(f"{server.base_url}/admin/held/")
    page.locator("tr", has_text="SO-GZ-1").locator("input.action-checkbox").check()
    page.click("text=选中的")  # Flask-Admin's "With selected", in Chinese
    page.click("a.dropdown-item:text-is('放行')")
    page.wait_for_selector("#bulk-effects")
    assert "确定放行 1 笔暂停订单？" in page.inner_text("#bulk-question")
    assert english_words(page.evaluate(VISIBLE_TEXT)) == []
    shot(page, "held-bulk-confirm-zh")
