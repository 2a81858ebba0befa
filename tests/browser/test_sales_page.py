"""In a real browser: the salesperson's morning page finds a customer and says what to do."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.browser.conftest import log_in, shot
from tests.e2e.conftest import Server

pytestmark = [pytest.mark.browser]


KEYS: dict[str, dict[str, str]] = {}


def _api(server: Server) -> dict[str, str]:
    if "erp" not in KEYS:
        KEYS["erp"] = server.key("order_system")
    return KEYS["erp"]


def _customer(server: Server, customer_id: str, name: str, owner: str) -> None:
    requests.put(f"{server.base_url}/v1/customers/{customer_id}", headers=_api(server), json={
        "name": name, "tier": "B", "credit_limit": "10000.00", "currency": "CNY",
        "owner": owner}, timeout=10).raise_for_status()


def test_sales_find_their_customer_first_and_read_its_credit_orders_and_next_steps_in_chinese(
        browser: Any, server: Server) -> None:
    _customer(server, "C-EAST-1", "East Harbour Trading", "sales9")
    _customer(server, "C-EAST-2", "East River Trading", "sales1")
    held = requests.post(f"{server.base_url}/v1/credit-checks", headers=_api(server), json={
        "order_id": "SO-EAST-1", "customer_id": "C-EAST-2", "amount": "12500.00",
        "currency": "CNY"}, timeout=10).json()
    assert held["outcome"] == "hold", held

    page = log_in(browser, server, "sales1")
    page.click("#switch-language")
    page.goto(f"{server.base_url}/admin/lookup/")
    page.fill("#customer-search", "east")
    page.click("#search-customers")
    rows = page.locator("#customer-results tbody tr")
    assert rows.count() == 2
    assert "C-EAST-2" in rows.nth(0).inner_text() and "我的" in rows.nth(0).inner_text()
    assert "C-EAST-1" in rows.nth(1).inner_text()

    page.click("text=C-EAST-2")
    page.wait_for_selector("#credit-status")
    assert "East River Trading" in page.inner_text("#credit-heading")
    assert page.inner_text("#credit-available") == "10,000.00 CNY"
    assert "不超过 10,000.00 CNY 的订单在信用额度以内" in page.inner_text("#next-steps")
    orders = page.inner_text("#recent-decisions")
    assert "SO-EAST-1" in orders and "12,500.00 CNY" in orders and "超出信用额度" in orders
    shot(page, "sales-page-zh")

    page.fill("#customer-search", "nobody-like-this")
    page.click("#search-customers")
    assert "没有与“nobody-like-this”匹配的客户" in page.inner_text("body")
