"""In a real browser: the salesperson's morning page finds a customer and says what to do."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import in_chinese, log_in, shot
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

    page = in_chinese(log_in(browser, server, "sales1"))
    page.goto(f"{server.base_url}/admin/lookup/")
    page.fill("#customer-search", "east")
    page.click("#search-customers")
    page.wait_for_url("**/admin/lookup/?q=east")
    rows = page.locator("#customer-results tbody tr")
    expect(rows).to_have_count(2)
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
    expect(page.locator("body")).to_contain_text("没有与“nobody-like-this”匹配的客户")


def test_the_sales_home_lists_the_salespersons_own_customers(browser: Any,
                                                             server: Server) -> None:
    page = log_in(browser, server, "sales1")
    mine = page.inner_text("#my-customers")
    assert "C-EAST-2" in mine and "East River Trading" in mine and "10,000.00 CNY" in mine
    assert "C-EAST-1" not in mine  # sales9's


def _try_login(browser: Any, server: Server, username: str, password: str) -> Any:
    page = browser.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{server.base_url}/admin/auth/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-submit")
    page.wait_for_load_state()
    return page


def test_an_admin_creates_a_user_changes_the_role_resets_the_password_and_deactivates(
        browser: Any, server: Server) -> None:
    page = log_in(browser, server, "admin1")
    page.goto(f"{server.base_url}/admin/users/")
    page.fill("#new-username", "collector7")
    page.select_option("#new-role", "sales")
    page.fill("#new-password", "first-pass-123")
    page.click("#create-user")
    row = page.locator('tr.user-row[data-user="collector7"]')
    row.wait_for()
    row.locator("select[name=role]").select_option("auditor")
    row.locator('button[value="role"]').click()
    row = page.locator('tr.user-row[data-user="collector7"]')
    row.locator("input[name=password]").fill("second-pass-456")
    row.locator('button[value="password"]').click()

    signed_in = _try_login(browser, server, "collector7", "second-pass-456")
    assert "collector7" in signed_in.inner_text("#who")
    signed_in.goto(f"{server.base_url}/admin/decisions/")  # an auditor reads decisions
    assert signed_in.locator("text=403").count() == 0
    assert _try_login(browser, server, "collector7", "first-pass-123").locator("#who").count() == 0

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator('tr.user-row[data-user="collector7"] button[value="deactivate"]').click()
    page.wait_for_selector('tr.user-row[data-user="collector7"] button[value="activate"]')
    signed_in.goto(f"{server.base_url}/admin/decisions/")  # the open session ends too
    assert "/admin/auth/login" in signed_in.url
    assert _try_login(browser, server, "collector7", "second-pass-456").locator("#who").count() == 0
    # An admin cannot lock themselves out.
    own = page.locator('tr.user-row[data-user="admin1"]')
    page.once("dialog", lambda dialog: dialog.accept())
    own.locator('button[value="deactivate"]').click()
    expect(page.locator("body")).to_contain_text("you cannot deactivate yourself")

    page.goto(f"{server.base_url}/admin/changes/?search=collector7")
    history = page.inner_text("body")
    for field in ("created", "role", "password", "active"):
        assert field in history, field
    assert "second-pass-456" not in history and "first-pass-123" not in history


def test_the_customer_page_shows_the_whole_credit_picture_from_the_customer_list(
        browser: Any, server: Server) -> None:
    today = requests.get(f"{server.base_url}/v1/clock", headers=_api(server),
                         timeout=10).json()["today"]
    for invoice_id, amount in (("INV-E1", "3000.00"), ("INV-E2", "500.00")):
        requests.post(f"{server.base_url}/v1/invoices", headers=_api(server), json={
            "invoice_id": invoice_id, "customer_id": "C-EAST-2", "amount": amount,
            "currency": "CNY", "issue_date": today}, timeout=10).raise_for_status()
    requests.post(f"{server.base_url}/v1/payments", headers=_api(server), json={
        "payment_id": "P-E2", "invoice_id": "INV-E2", "amount": "500.00", "currency": "CNY",
        "paid_at": today}, timeout=10).raise_for_status()

    requests.post(f"{server.base_url}/v1/invoices/INV-E1/disputes", headers=_api(server), json={
        "dispute_id": "D-E1", "amount": "300.00", "reason": "two cartons damaged"},
        timeout=10).raise_for_status()

    page = log_in(browser, server, "risk1")
    page.goto(f"{server.base_url}/admin/customers/?search=C-EAST-2")
    page.click("a[href$='/admin/customer/C-EAST-2']")
    page.wait_for_selector("#customer-credit")
    assert "East River Trading" in page.inner_text("#customer-heading")
    assert "7,000.00 CNY" in page.inner_text("#customer-available")  # 10,000 - 3,000 open
    assert "INV-E1" in page.inner_text("#open-invoices")
    assert "INV-E2" in page.inner_text("#closed-invoices")
    assert "P-E2" in page.inner_text("#customer-payments")
    decisions = page.inner_text("#customer-decisions")
    assert "SO-EAST-1" in decisions and "What would get it approved" in decisions
    assert "prepay 2,500.00 CNY to be approved" in decisions
    disputes = page.inner_text("#customer-disputes")
    assert "INV-E1" in disputes and "300.00 CNY" in disputes and "two cartons damaged" in disputes
    shot(page, "customer-page", readme=True)

    sales = log_in(browser, server, "sales1")
    if sales.inner_text("#switch-language").strip() == "中文":  # the login keeps its choice
        sales.click("#switch-language")
    sales.goto(f"{server.base_url}/admin/customer/C-EAST-2")
    assert "未结发票" in sales.inner_text("body") and "INV-E1" in sales.inner_text("#open-invoices")
    refused = sales.goto(f"{server.base_url}/admin/customer/C-EAST-1")  # sales9's customer
    assert refused is not None and refused.status == 403
    missing = sales.goto(f"{server.base_url}/admin/customer/C-NOBODY")
    assert missing is not None and missing.status == 404
