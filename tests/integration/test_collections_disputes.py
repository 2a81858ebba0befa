"""Disputes over the API and in the day's run, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from policy_service.container import Services
from policy_service.db.models_receivables import DunningStep, PenaltyAccrual
from policy_service.services.day.run import run_daily
from tests.conftest import Api
from tests.integration.receivables_book import rows, shipped_terms

DUE = date(2026, 3, 1)


class Day:
    """The business date the API sees, moved by the test."""

    def __init__(self, services: Services, today: date) -> None:
        self.today = today
        services.today = lambda: self.today


def _book(api: Api, services: Services, amount: str = "1000.00", today: date = DUE) -> Day:
    day = Day(services, today)
    api.customer(tier="B", owner="sales-key")
    response = api.call("POST", "/v1/invoices", json={
        "invoice_id": "INV-1", "customer_id": "C-1", "amount": amount, "currency": "CNY",
        "issue_date": (DUE - timedelta(days=30)).isoformat(), "due_date": DUE.isoformat()})
    assert response.status_code == 201, response.get_json()
    return day


def _dispute(api: Api, role: str = "order_system", **body: object) -> object:
    return api.call("POST", "/v1/invoices/INV-1/disputes", role=role,
                    json={"dispute_id": "D-1", "reason": "wrong quantity", **body})


def test_a_dispute_opens_once_and_refuses_too_much_and_a_second_one(
        api: Api, services: Services) -> None:
    _book(api, services)
    too_much = _dispute(api, amount="1000.01")
    assert too_much.status_code == 422
    assert api.call("GET", "/v1/customers/C-1/disputes", role="auditor").get_json() == {
        "disputes": []}
    first = _dispute(api, amount="400.00")
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert (body["amount"], body["status"], body["opened_on"]) == ("400.00", "open", "2026-03-01")
    again = _dispute(api, amount="400.00")
    assert (again.status_code, again.get_json()["dispute_id"]) == (200, "D-1")
    assert _dispute(api, amount="300.00").status_code == 409  # same id, other body
    second = api.call("POST", "/v1/invoices/INV-1/disputes",
                      json={"dispute_id": "D-2", "reason": "price"})
    assert second.status_code == 409
    listed = api.call("GET", "/v1/customers/C-1/disputes", role="risk_manager").get_json()
    assert [d["dispute_id"] for d in listed["disputes"]] == ["D-1"]
    assert api.call("GET", "/v1/customers/C-1/credit").get_json()["disputed_amount"] == "400.00"


def test_a_dispute_defaults_to_the_open_principal_and_an_auditor_may_not_open_one(
        api: Api, services: Services) -> None:
    _book(api, services)
    assert _dispute(api, role="auditor").status_code == 403
    body = _dispute(api, role="sales").get_json()
    assert body["amount"] == "1000.00"


def test_the_disputed_part_accrues_no_penalty_and_the_rest_does(
        api: Api, services: Services) -> None:
    _book(api, services)
    assert _dispute(api, amount="400.00").status_code == 201
    run_daily(services.uow(), services.rulesets, DUE + timedelta(days=20))
    terms = shipped_terms("B", "1000.00")
    accruals = rows(services, PenaltyAccrual, invoice_id="INV-1")
    assert accruals and {a.base for a in accruals} == {Decimal("600.00")}
    invoice = api.call("GET", "/v1/invoices/INV-1").get_json()
    assert Decimal(invoice["penalty_accrued"]) == terms.daily(Decimal("600.00"), "CNY") * (
        20 - terms.grace_days)


def test_an_invoice_disputed_in_full_is_not_dunned_not_overdue_and_still_in_exposure(
        api: Api, services: Services) -> None:
    day = _book(api, services)
    assert _dispute(api).status_code == 201
    day.today = DUE + timedelta(days=45)
    run_daily(services.uow(), services.rulesets, day.today)
    assert rows(services, DunningStep, invoice_id="INV-1") == []
    assert rows(services, PenaltyAccrual, invoice_id="INV-1") == []
    credit = api.call("GET", "/v1/customers/C-1/credit").get_json()
    assert credit["exposure"]["open_receivables"] == "1000.00"
    assert credit["overdue"] == {"amount": "0.00", "oldest_days_past_due": 0}
    decision = api.check("SO-1", "100.00").get_json()
    assert "OVERDUE_OVER_30_DAYS" not in [r["code"] for r in decision["reasons"]]


def test_a_part_dispute_is_dunned_for_the_rest(api: Api, services: Services) -> None:
    day = _book(api, services)
    assert _dispute(api, amount="400.00").status_code == 201
    day.today = DUE + timedelta(days=2)
    run_daily(services.uow(), services.rulesets, day.today)
    steps = rows(services, DunningStep, invoice_id="INV-1")
    assert "overdue_notice" in {s.step for s in steps}
    credit = api.call("GET", "/v1/customers/C-1/credit").get_json()
    assert credit["overdue"]["amount"] == "600.00"


def test_resolving_for_the_customer_issues_a_credit_note_that_lowers_the_invoice(
        api: Api, services: Services) -> None:
    day = _book(api, services)
    assert _dispute(api, amount="400.00").status_code == 201
    day.today = DUE + timedelta(days=10)
    resolve = api.call("POST", "/v1/disputes/D-1/resolve", role="risk_manager", json={
        "in_favour_of": "customer", "credit_note_amount": "400.01", "note": "short shipped"})
    assert resolve.status_code == 422
    assert api.call("POST", "/v1/disputes/D-1/resolve", role="sales", json={
        "in_favour_of": "customer", "note": "x"}).status_code == 403
    resolved = api.call("POST", "/v1/disputes/D-1/resolve", role="risk_manager", json={
        "in_favour_of": "customer", "note": "short shipped"})
    assert resolved.status_code == 200, resolved.get_json()
    assert (resolved.get_json()["status"], resolved.get_json()["credit_note_amount"]) == (
        "resolved", "400.00")
    invoice = api.call("GET", "/v1/invoices/INV-1").get_json()
    assert (invoice["amount"], invoice["outstanding"]) == ("600.00", "600.00")
    assert api.call("POST", "/v1/disputes/D-1/resolve", role="risk_manager", json={
        "in_favour_of": "company", "note": "again"}).status_code == 409


def test_resolved_for_the_company_penalty_resumes_from_that_day_without_back_charge(
        api: Api, services: Services) -> None:
    day = _book(api, services)
    assert _dispute(api).status_code == 201
    resolved_on = DUE + timedelta(days=10)
    day.today = resolved_on
    assert api.call("POST", "/v1/disputes/D-1/resolve", role="risk_manager", json={
        "in_favour_of": "company", "note": "goods were fine"}).status_code == 200
    day.today = DUE + timedelta(days=15)
    run_daily(services.uow(), services.rulesets, day.today)
    accruals = rows(services, PenaltyAccrual, invoice_id="INV-1")
    assert [a.day for a in accruals] == [resolved_on + timedelta(days=n) for n in range(6)]
