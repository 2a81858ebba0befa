"""Write-off and recovery: stop-supply stays for a risk manager, recoveries reduce bad debt.

On SQLite and PostgreSQL. Tier C: no grace days, 0.05% a day (40,000.00 accrues 20.00).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from policy_service.container import Services
from policy_service.db.models_admin import ChangeRecord
from policy_service.services.day.run import run_daily
from tests.conftest import Api

TODAY = date(2026, 6, 1)
DUE = TODAY - timedelta(days=70)


def _book(services: Services, api: Api) -> None:
    services.today = lambda: TODAY
    api.customer(tier="C", credit_limit="100000.00")
    response = api.call("POST", "/v1/invoices", json={
        "invoice_id": "I-1", "customer_id": "C-1", "amount": "40000.00", "currency": "CNY",
        "issue_date": (DUE - timedelta(days=30)).isoformat(), "due_date": DUE.isoformat()})
    assert response.status_code == 201
    run_daily(services.uow(), services.rulesets, TODAY - timedelta(days=10))  # day +60: stop


def _credit(api: Api) -> dict:
    return dict(api.call("GET", "/v1/customers/C-1/credit").get_json())


def test_a_write_off_keeps_the_stop_supply_until_a_risk_manager_lifts_it(
        services: Services, api: Api) -> None:
    _book(services, api)
    assert _credit(api)["status"] == "stop_supply"
    done = api.call("POST", "/v1/invoices/I-1/write-off", "risk_manager",
                    json={"note": "customer insolvent"})
    assert done.status_code == 200 and done.get_json()["status"] == "written_off"
    assert _credit(api)["status"] == "stop_supply"
    run_daily(services.uow(), services.rulesets, TODAY)  # no open invoice causes it, still
    assert _credit(api)["status"] == "stop_supply"
    # Nobody but a risk manager; a note is required.
    path = "/v1/customers/C-1/lift-stop-supply"
    assert api.call("POST", path, "order_system", json={"note": "x"}).status_code == 403
    assert api.call("POST", path, "risk_manager", json={"note": " "}).status_code == 422
    assert api.call("POST", path, "risk_manager", json={}).status_code == 422
    assert _credit(api)["status"] == "stop_supply"
    lifted = api.call("POST", path, "risk_manager", json={"note": "security received"})
    assert lifted.status_code == 200, lifted.get_json()
    assert lifted.get_json()["status"] == "active"
    again = api.call("POST", path, "risk_manager", json={"note": "again"})
    assert again.status_code == 409
    assert api.call("POST", "/v1/customers/NOPE/lift-stop-supply", "risk_manager",
                    json={"note": "x"}).status_code == 404
    with services.uow() as uow:
        history = uow.session.execute(
            select(ChangeRecord.new_value, ChangeRecord.changed_by)
            .where(ChangeRecord.entity == "customer", ChangeRecord.field == "status")
            .order_by(ChangeRecord.id)).all()
    assert [tuple(h) for h in history][-1] == ("active", "risk_manager-key")
    # Active again, but the write-off of the last 365 days declines new credit.
    check = api.check("SO-1", "100.00").get_json()
    assert check["outcome"] == "declined"
    assert [r["code"] for r in check["reasons"]] == ["WRITTEN_OFF_365D"]
    assert "41,200.00 CNY written off" in check["reasons"][0]["message"]["en"]
    # The window is the 365 days up to today, by the business date of the write-off.
    services.today = lambda: TODAY + timedelta(days=364)
    assert "WRITTEN_OFF_365D" in [r["code"] for r in api.check("SO-2", "100.00").get_json()[
        "reasons"]]
    services.today = lambda: TODAY + timedelta(days=365)
    assert "WRITTEN_OFF_365D" not in [r["code"] for r in api.check("SO-3", "100.00").get_json()[
        "reasons"]]


def test_a_payment_on_a_written_off_invoice_is_a_recovery_that_reduces_bad_debt(
        services: Services, api: Api) -> None:
    _book(services, api)
    written = api.call("POST", "/v1/invoices/I-1/write-off", "risk_manager",
                       json={"note": "gone"}).get_json()
    assert written["outstanding"] == "41200.00"  # 40,000.00 + 60 days x 20.00

    def bad_debt() -> str:
        report = api.call("GET", f"/v1/reports/aging?as_of={TODAY}", "auditor").get_json()
        (totals,) = report["totals"]
        return str(totals["classes"]["write_off"]["amount"])

    assert bad_debt() == "41200.00"
    pay = {"payment_id": "R-1", "invoice_id": "I-1", "amount": "15000.00", "currency": "CNY",
           "paid_at": TODAY.isoformat()}
    response = api.call("POST", "/v1/payments", json=pay)
    assert response.status_code == 201, response.get_json()
    invoice = api.call("GET", "/v1/invoices/I-1").get_json()
    assert (invoice["status"], invoice["paid"], invoice["outstanding"]) == (
        "written_off", "15000.00", "26200.00")
    assert bad_debt() == "26200.00"
    assert _credit(api)["status"] == "stop_supply"  # a recovery lifts nothing by itself
    # More than is still written off: 422, nothing changes.
    too_much = api.call("POST", "/v1/payments", json={**pay, "payment_id": "R-2",
                                                       "amount": "26200.01"})
    assert too_much.status_code == 422
    assert api.call("GET", "/v1/invoices/I-1").get_json()["outstanding"] == "26200.00"
    assert api.call("POST", "/v1/payments", json={**pay, "payment_id": "R-2",
                                                   "amount": "26200.00"}).status_code == 201
    assert api.call("GET", "/v1/invoices/I-1").get_json()["outstanding"] == "0.00"
