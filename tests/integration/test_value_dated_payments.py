"""Payments with an earlier value date reverse the penalty they make unowed (SQLite and PG).

Hand arithmetic: tier C (no grace days, 0.05% a day), so 20,000.00 unpaid accrues 10.00 a
day from the day after its due date.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from policy_service.container import Services
from policy_service.db.models_receivables import PenaltyAccrual, PenaltyCorrection
from policy_service.services.day.run import run_daily
from tests.conftest import Api

TODAY = date(2026, 6, 1)


def _setup(services: Services, api: Api, *invoices: tuple[str, str, date]) -> None:
    services.today = lambda: TODAY
    api.customer(tier="C", credit_limit="100000.00")
    for invoice_id, amount, due in invoices:
        response = api.call("POST", "/v1/invoices", json={
            "invoice_id": invoice_id, "customer_id": "C-1", "amount": amount,
            "currency": "CNY", "issue_date": (due - timedelta(days=30)).isoformat(),
            "due_date": due.isoformat()})
        assert response.status_code == 201, response.get_json()


def _pay(api: Api, payment_id: str, invoice_id: str, amount: str, paid_at: date) -> object:
    return api.call("POST", "/v1/payments", json={
        "payment_id": payment_id, "invoice_id": invoice_id, "amount": amount,
        "currency": "CNY", "paid_at": paid_at.isoformat()})


def _status(api: Api) -> str:
    return str(api.call("GET", "/v1/customers/C-1/credit").get_json()["status"])


def test_a_payment_value_dated_earlier_reverses_the_later_penalty_and_clears_the_invoice(
        services: Services, api: Api) -> None:
    due = TODAY - timedelta(days=80)
    _setup(services, api, ("I-1", "20000.00", due))
    run_daily(services.uow(), services.rulesets, TODAY - timedelta(days=20))  # day +60: stop
    assert _status(api) == "stop_supply"
    run_daily(services.uow(), services.rulesets, TODAY)
    before = api.call("GET", "/v1/invoices/I-1").get_json()
    assert before["penalty_accrued"] == "800.00"  # 80 days x 10.00
    # Paid four days ago: principal plus the 75 days accrued before that day (750.00).
    value_date = TODAY - timedelta(days=4)
    response = _pay(api, "P-1", "I-1", "20750.00", value_date)
    assert response.status_code == 201, response.get_json()
    invoice = api.call("GET", "/v1/invoices/I-1").get_json()
    assert (invoice["penalty_accrued"], invoice["paid"], invoice["outstanding"],
            invoice["status"]) == ("750.00", "20750.00", "0.00", "paid")
    with services.uow() as uow:
        corrections = uow.session.execute(
            select(PenaltyCorrection.day, PenaltyCorrection.amount, PenaltyCorrection.payment_id,
                   PenaltyCorrection.recorded_on).order_by(PenaltyCorrection.day)).all()
        accrual_days = uow.session.scalars(select(PenaltyAccrual.day)).all()
    # The days from the value date through today are reversed, one recorded row each;
    # the accrual rows themselves stay as they were.
    assert [tuple(c) for c in corrections] == [
        (value_date + timedelta(days=n), Decimal("10.00"), "P-1", TODAY) for n in range(5)]
    assert len(accrual_days) == 80
    assert _status(api) == "active"
    run_daily(services.uow(), services.rulesets, TODAY)  # the next run stops nothing again
    assert _status(api) == "active"
    credit = api.call("GET", "/v1/customers/C-1/credit").get_json()
    assert credit["exposure"]["open_receivables"] == "0.00"
    assert credit["overdue"]["amount"] == "0.00"
    # Yesterday's aging, rebuilt from the dated rows, knows the value-dated payment and
    # the penalty it reversed: nothing was owed.
    yesterday = TODAY - timedelta(days=1)
    report = api.call("GET", f"/v1/reports/aging?as_of={yesterday}", "auditor").get_json()
    assert all(Decimal(t["provision"]) == 0 and all(Decimal(v) == 0 for v in t["buckets"].values())
               for t in report["totals"])


def test_a_partial_value_dated_payment_halves_the_later_days(services: Services,
                                                             api: Api) -> None:
    due = TODAY - timedelta(days=10)
    _setup(services, api, ("I-1", "20000.00", due))
    run_daily(services.uow(), services.rulesets, TODAY)  # 10 days x 10.00
    assert _pay(api, "P-1", "I-1", "10000.00", TODAY - timedelta(days=3)).status_code == 201
    invoice = api.call("GET", "/v1/invoices/I-1").get_json()
    # Days -3..0 (4 days) were owed on 10,000.00 only: 5.00 each, 20.00 reversed.
    assert (invoice["penalty_accrued"], invoice["outstanding"], invoice["status"]) == (
        "80.00", "10080.00", "open")
    # The same payment sent again reverses nothing more.
    assert _pay(api, "P-1", "I-1", "10000.00", TODAY - timedelta(days=3)).status_code == 200
    assert api.call("GET", "/v1/invoices/I-1").get_json()["penalty_accrued"] == "80.00"


def test_a_value_date_before_the_issue_date_or_after_today_is_refused_and_changes_nothing(
        services: Services, api: Api) -> None:
    due = TODAY - timedelta(days=5)
    _setup(services, api, ("I-1", "1000.00", due))
    run_daily(services.uow(), services.rulesets, TODAY)
    before = api.call("GET", "/v1/invoices/I-1").get_json()
    for paid_at in (due - timedelta(days=31), TODAY + timedelta(days=1)):
        response = _pay(api, "P-1", "I-1", "100.00", paid_at)
        assert response.status_code == 422, response.get_json()
        assert "paid_at" in response.get_json()["error"]["fields"]
    assert api.call("GET", "/v1/invoices/I-1").get_json() == before
    assert _pay(api, "P-1", "I-1", "100.00", due - timedelta(days=30)).status_code == 201


def test_lifting_stop_supply_is_judged_on_todays_state_not_the_value_date(
        services: Services, api: Api) -> None:
    _setup(services, api, ("I-1", "20000.00", TODAY - timedelta(days=100)),
           ("I-2", "1000.00", TODAY - timedelta(days=64)))
    run_daily(services.uow(), services.rulesets, TODAY - timedelta(days=40))  # I-1 at +60
    assert _status(api) == "stop_supply"
    # I-1 paid in full (60 days x 10.00 accrued) with a value date when I-2 was 25 days
    # overdue; today I-2 is 64 days overdue, so supply stays stopped.
    assert _pay(api, "P-1", "I-1", "20600.00", TODAY - timedelta(days=39)).status_code == 201
    assert api.call("GET", "/v1/invoices/I-1").get_json()["status"] == "paid"
    assert _status(api) == "stop_supply"
    # I-2 accrued 24 days x 0.50 by that run; paying it clears the cause today.
    assert _pay(api, "P-2", "I-2", "1012.00", TODAY).status_code == 201
    assert _status(api) == "active"
