"""A risk manager picks a past month-end on the aging screens and sees that date's balances.

Chromium fills and submits the real as-of forms (the aging report and the customer page);
the figures are checked against ``GET /v1/reports/aging?as_of=`` and
``GET /v1/customers/{id}/credit?as_of=`` and against hand arithmetic.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import requests

from tests.browser.conftest import in_chinese, log_in, shot
from tests.e2e.conftest import Server

pytestmark = [pytest.mark.browser]
TODAY = date(2026, 12, 15)
MONTH_END = date(2026, 11, 30)
BUCKETS = ("not_due", "1-30", "31-60", "61-90", "91+")


def _seed(server: Server) -> None:
    server.cli("clock", "set", TODAY.isoformat())
    erp = server.key("order_system")

    def send(method: str, path: str, body: dict[str, Any]) -> None:
        response = requests.request(method, f"{server.base_url}{path}", headers=erp,
                                    json=body, timeout=10)
        assert response.status_code in (200, 201), response.text

    send("PUT", "/v1/customers/C-AG", {"name": "账龄测试有限公司", "tier": "C",
                                       "credit_limit": "100000.00", "currency": "CNY"})
    send("POST", "/v1/invoices", {"invoice_id": "AG-1", "customer_id": "C-AG",
                                  "amount": "10000.00", "currency": "CNY",
                                  "issue_date": "2026-10-01", "due_date": "2026-10-31"})
    # issued after the month-end: not known on 2026-11-30
    send("POST", "/v1/invoices", {"invoice_id": "AG-2", "customer_id": "C-AG",
                                  "amount": "5000.00", "currency": "CNY",
                                  "issue_date": "2026-12-05", "due_date": "2027-01-04"})
    server.cli("daily", "--as-of", TODAY.isoformat())
    # recorded today, value-dated 2026-11-10: the principal was paid down then
    send("POST", "/v1/payments", {"payment_id": "PAG-1", "invoice_id": "AG-1",
                                  "amount": "4000.00", "currency": "CNY",
                                  "paid_at": "2026-11-10"})


def _cells(page: Any, selector: str) -> dict[str, str]:
    return {b: page.locator(f'{selector} td[data-bucket="{b}"]').inner_text().strip()
            for b in BUCKETS}


def test_the_aging_of_a_past_month_end_shows_that_dates_balances(browser: Any,
                                                                 server: Server) -> None:
    _seed(server)
    auditor = server.key("auditor")
    then = requests.get(f"{server.base_url}/v1/reports/aging?as_of={MONTH_END}",
                        headers=auditor, timeout=10).json()["totals"][0]["buckets"]
    now = requests.get(f"{server.base_url}/v1/reports/aging", headers=auditor,
                       timeout=10).json()["totals"][0]["buckets"]
    # Hand arithmetic for 2026-11-30 (tier C: no grace days, 0.05% a day on unpaid
    # principal): 9 days on 10,000.00 (11-01..11-09) = 9 x 5.00 = 45.00, then 21 days on
    # 6,000.00 (11-10..11-30) = 21 x 3.00 = 63.00; principal 6,000.00, 30 days past due.
    assert Decimal(then["1-30"]) == Decimal("6000.00") + 45 + 63
    assert Decimal(then["not_due"]) == 0  # AG-2 was not issued yet
    # Today: 45 days past due with 15 more days at 3.00, and AG-2 not due.
    assert (Decimal(now["31-60"]), Decimal(now["not_due"])) == (
        Decimal("6000.00") + 45 + 63 + 15 * 3, Decimal("5000.00"))

    page = log_in(browser, server, "risk1")
    page.goto(f"{server.base_url}/admin/aging/")
    assert _cells(page, "#aging-buckets-CNY")["31-60"] == "6,153.00 CNY"
    page.fill("#aging-filter #as_of", MONTH_END.isoformat())
    page.click("#aging-filter button[type=submit]")
    page.wait_for_url(f"**/admin/aging/?as_of={MONTH_END}")
    shown = _cells(page, "#aging-buckets-CNY")
    assert shown == {b: f"{Decimal(then[b]):,.2f} CNY" for b in BUCKETS}
    assert MONTH_END.isoformat() in page.inner_text("#aging-as-of")
    shot(page, "aging-month-end")

    page.goto(f"{server.base_url}/admin/customer/C-AG")
    page.fill("#customer-aging-filter #as_of", MONTH_END.isoformat())
    page.click("#customer-aging-filter button[type=submit]")
    page.wait_for_url(f"**/admin/customer/C-AG?as_of={MONTH_END}")
    credit = requests.get(f"{server.base_url}/v1/customers/C-AG/credit?as_of={MONTH_END}",
                          headers=auditor, timeout=10).json()
    cells = page.locator("#customer-aging tr").nth(1).locator("td").all_inner_texts()
    assert cells == [f"{Decimal(credit['aging'][b]):,.2f} CNY" for b in BUCKETS]
    assert cells[1] == "6,108.00 CNY"

    page.goto(f"{server.base_url}/admin/aging/?as_of=2027-01-31")  # after today
    assert page.locator("#aging-error").is_visible()
    assert MONTH_END.isoformat() not in page.inner_text("#aging-as-of")
    in_chinese(page)
    page.goto(f"{server.base_url}/admin/aging/?as_of={MONTH_END}")
    assert "账龄分析" in page.inner_text("h5") and "截至 2026-11-30" in page.inner_text("h5")
    assert _cells(page, "#aging-buckets-CNY") == shown
