"""A JPY customer's figures are whole yen everywhere: messages, credit view, aging, admin page.

Runs on SQLite and PostgreSQL (the ``services`` fixture).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from flask import Flask

from policy_service.container import Services
from policy_service.services.day.run import run_daily
from tests.conftest import Api
from tests.integration.test_admin_support import login, make_users

DUE = date(2026, 6, 1)


def _whole(value: str) -> bool:
    return Decimal(value) == Decimal(value).to_integral_value()


def test_a_jpy_customer_sees_whole_yen_in_decisions_credit_aging_and_the_admin(
        services: Services, api: Api, app: Flask) -> None:
    services.today = lambda: DUE - timedelta(days=1)
    api.customer(tier="C", credit_limit="1000000", currency="JPY")
    created = api.call("POST", "/v1/invoices", json={
        "invoice_id": "I-JPY", "customer_id": "C-1", "amount": "3017", "currency": "JPY",
        "issue_date": (DUE - timedelta(days=30)).isoformat(), "due_date": DUE.isoformat()})
    assert created.status_code == 201, created.get_json()
    # Tier C, an order above 50% of the limit: 30% prepaid. 30% of 600,001 is 180,000.3:
    # the message says 180,000 JPY, the order reserves 600,001 - 180,000 = 420,001.
    decision = api.check("SO-JPY", "600001", currency="JPY").get_json()
    assert decision["outcome"] == "approved_with_conditions", decision
    (reason,) = [r for r in decision["reasons"] if "30%" in r["message"]["en"]]
    assert "600,001 JPY" in reason["message"]["en"] and "180,000 JPY" in reason["message"]["en"]
    assert "500,000 JPY" in reason["message"]["en"] and ".00" not in reason["message"]["en"]

    today = DUE + timedelta(days=45)
    services.today = lambda: today
    run_daily(services.uow(), services.rulesets, today)
    # Tier C: no grace days; 0.05% a day of 3,017 = 1.5085, half-up 2 yen, for 45 days = 90.
    # Outstanding 3,017 + 90 = 3,107, 45 days past due: the 31-60 bucket, class doubtful.
    credit = api.call("GET", "/v1/customers/C-1/credit", "risk_manager").get_json()
    assert Decimal(credit["exposure"]["open_receivables"]) == Decimal("3107")
    assert Decimal(credit["exposure"]["reserved_orders"]) == Decimal("420001")
    assert Decimal(credit["available"]) == Decimal("1000000") - 3107 - 420001
    assert Decimal(credit["aging"]["31-60"]) == Decimal("3107")
    (report,) = api.call("GET", f"/v1/reports/aging?as_of={today}", "auditor").get_json()["totals"]
    # doubtful provisions 20%: 621.4 yen, half-up to whole yen 621 (cents would be 621.40)
    assert report["classes"]["doubtful"] == {"amount": "3107.00", "provision": "621.00"}
    figures = [credit["available"], *credit["exposure"].values(), *credit["aging"].values(),
               *report["buckets"].values(), report["provision"]]
    assert all(_whole(v) for v in figures if isinstance(v, str) and v[:1].isdigit())

    make_users(services)
    page = login(app, "risk_manager-user").get("/admin/customer/C-1").get_data(as_text=True)
    aging = re.search(r'id="customer-aging">(.*?)</table>', page, re.S)
    assert aging and "3,107 JPY" in aging.group(1)
    assert "423,108 JPY" in page  # exposure: 3,107 open + 420,001 reserved
    assert not re.search(r"\d\.\d\d JPY", page)  # no JPY amount with decimals on the page
