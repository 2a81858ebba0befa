"""The admin aging screens as of a date: the report's figures for that date, refusals shown.

Runs on SQLite and PostgreSQL; the browser test (tests/browser/test_admin_aging.py) fills
the same forms in Chromium.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask import Flask

from policy_service.container import Services
from policy_service.services.day.run import run_daily
from tests.conftest import Api
from tests.integration.receivables_book import customer, invoice, pay
from tests.integration.test_admin_support import login, make_users

DUE = date(2026, 3, 1)


def test_the_aging_screen_and_customer_page_show_a_past_date_and_refuse_a_future_one(
        services: Services, api: Api, app: Flask) -> None:
    customer(services, tier="C")  # no grace days, 0.05% a day of the unpaid principal
    invoice(services, "I-1", "1000.00", DUE)
    today = DUE + timedelta(days=40)
    services.today = lambda: today
    run_daily(services.uow(), services.rulesets, today)
    pay(services, "P-1", "I-1", "500.00", DUE + timedelta(days=20), today=today)
    month_end = date(2026, 3, 31)  # 30 days past due
    # by hand: 19 days x 0.50 (days 1-19) + 11 x 0.25 (days 20-30) = 12.25, on 500.00
    (report,) = api.call("GET", f"/v1/reports/aging?as_of={month_end}", "auditor"
                         ).get_json()["totals"]
    assert report["buckets"]["1-30"] == "512.25"
    make_users(services)
    client = login(app, "auditor-user")
    page = client.get(f"/admin/aging/?as_of={month_end}").get_data(as_text=True)
    assert 'data-bucket="1-30">512.25 CNY<' in page and "2026-03-31" in page
    now = client.get("/admin/aging/").get_data(as_text=True)
    # today, 40 days past due: 12.25 + 10 more days x 0.25 = 14.75
    assert 'data-bucket="31-60">514.75 CNY<' in now and Decimal("514.75") == 500 + Decimal(
        "12.25") + 10 * Decimal("0.25")
    customer_page = client.get(f"/admin/customer/C-1?as_of={month_end}").get_data(as_text=True)
    assert "<td>512.25 CNY</td>" in customer_page.split('id="customer-aging"')[1].split(
        "</table>")[0]
    later = client.get(f"/admin/aging/?as_of={today + timedelta(days=1)}")
    assert later.status_code == 200 and 'id="aging-error"' in later.get_data(as_text=True)
    assert 'data-bucket="31-60">514.75 CNY<' in later.get_data(as_text=True)  # today's
    garbled = client.get("/admin/customer/C-1?as_of=2026-02-30").get_data(as_text=True)
    assert 'id="customer-aging-error"' in garbled and "not a date" in garbled
