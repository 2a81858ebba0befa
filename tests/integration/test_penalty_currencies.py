"""Penalty rounds half-up to the currency's minor unit: whole yen for JPY (SQLite and PG)."""

from __future__ import annotations

from datetime import date, timedelta

from policy_service.container import Services
from policy_service.services.day.run import run_daily
from tests.conftest import Api

TODAY = date(2026, 6, 1)


def test_a_jpy_invoice_accrues_whole_yen_a_day(services: Services, api: Api) -> None:
    services.today = lambda: TODAY
    api.customer(tier="C", credit_limit="1000000", currency="JPY")
    due = TODAY - timedelta(days=10)
    response = api.call("POST", "/v1/invoices", json={
        "invoice_id": "I-JPY", "customer_id": "C-1", "amount": "3000", "currency": "JPY",
        "issue_date": (due - timedelta(days=30)).isoformat(), "due_date": due.isoformat()})
    assert response.status_code == 201, response.get_json()
    run_daily(services.uow(), services.rulesets, TODAY)
    invoice = api.call("GET", "/v1/invoices/I-JPY").get_json()
    # tier C: no grace days, 0.05% a day of 3,000 = 1.5 yen, half-up 2 yen, for 10 days
    # (to cents it would have been 15.00).
    # (The wire still writes two decimals for every currency.)
    assert (invoice["penalty_accrued"], invoice["outstanding"]) == ("20.00", "3020.00")
    # Value-dated 3 days ago, paying 3,000 + the 6 days before (12 yen): the 4 days from
    # the value date through today (8 yen) are reversed.
    paid = api.call("POST", "/v1/payments", json={
        "payment_id": "P-JPY", "invoice_id": "I-JPY", "amount": "3012", "currency": "JPY",
        "paid_at": (TODAY - timedelta(days=3)).isoformat()})
    assert paid.status_code == 201, paid.get_json()
    invoice = api.call("GET", "/v1/invoices/I-JPY").get_json()
    assert (invoice["status"], invoice["penalty_accrued"], invoice["outstanding"]) == (
        "paid", "12.00", "0.00")
