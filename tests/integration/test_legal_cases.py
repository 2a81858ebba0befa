"""Legal cases over the API: listed by status and owner, closed once with an outcome.

On SQLite and PostgreSQL; the daily run opens the case at the legal_action step.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from policy_service.container import Services
from policy_service.db.models_admin import ChangeRecord
from policy_service.services.day.run import run_daily
from policy_service.services.rules import registry
from tests.conftest import Api
from tests.integration.receivables_book import shipped_step_day

TODAY = date(2026, 6, 1)


def _cases(services: Services, api: Api) -> None:
    """C-1 (owned by the sales key) and C-2 (someone else's) each get a legal case."""
    services.today = lambda: TODAY
    due = TODAY - timedelta(days=shipped_step_day("legal_action"))
    for customer_id, owner in (("C-1", "sales-key"), ("C-2", "sales-other")):
        api.customer(customer_id, tier="C", owner=owner)
        response = api.call("POST", "/v1/invoices", json={
            "invoice_id": f"I-{customer_id}", "customer_id": customer_id,
            "amount": "5000.00", "currency": "CNY",
            "issue_date": (due - timedelta(days=30)).isoformat(), "due_date": due.isoformat()})
        assert response.status_code == 201
    run_daily(services.uow(), services.rulesets, TODAY)


def test_open_cases_are_listed_with_their_shape_and_sales_see_only_their_own(
        services: Services, api: Api) -> None:
    _cases(services, api)
    with services.uow() as uow:
        escalation_version = registry.get_version(uow.session, "escalation").version
    body = api.call("GET", "/v1/legal-cases?status=open", "risk_manager").get_json()
    cases = sorted(body["legal_cases"], key=lambda c: c["customer_id"])
    assert [(c["customer_id"], c["invoice_id"], c["status"], c["opened_on"],
             c["ruleset_version"]) for c in cases] == [
        ("C-1", "I-C-1", "open", TODAY.isoformat(), escalation_version),
        ("C-2", "I-C-2", "open", TODAY.isoformat(), escalation_version)]
    assert "outcome" not in cases[0] and "closed_on" not in cases[0]
    invoice = api.call("GET", "/v1/invoices/I-C-1").get_json()
    assert cases[0]["amount"] == invoice["outstanding"]
    own = api.call("GET", "/v1/legal-cases", "sales").get_json()["legal_cases"]
    assert [c["customer_id"] for c in own] == ["C-1"]
    assert len(api.call("GET", "/v1/legal-cases", "auditor").get_json()["legal_cases"]) == 2
    assert api.call("GET", "/v1/legal-cases?status=closed", "auditor").get_json() == {
        "legal_cases": []}
    assert api.call("GET", "/v1/legal-cases", "order_system").status_code == 403
    assert api.call("GET", "/v1/legal-cases?status=maybe", "auditor").status_code == 422


def test_a_risk_manager_closes_a_case_once_with_an_outcome_and_a_note(
        services: Services, api: Api) -> None:
    _cases(services, api)
    (case,) = [c for c in api.call("GET", "/v1/legal-cases", "risk_manager").get_json()[
        "legal_cases"] if c["customer_id"] == "C-1"]
    path = f"/v1/legal-cases/{case['case_id']}/close"
    assert api.call("POST", path, "sales", json={"outcome": "settled",
                                                 "note": "x"}).status_code == 403
    for bad in ({"outcome": "won", "note": "x"}, {"outcome": "settled"},
                {"outcome": "settled", "note": " "}):
        assert api.call("POST", path, "risk_manager", json=bad).status_code == 422, bad
    closed = api.call("POST", path, "risk_manager",
                      json={"outcome": "settled", "note": "settled in court for 80%"})
    assert closed.status_code == 200, closed.get_json()
    body = closed.get_json()
    assert {k: body[k] for k in ("case_id", "status", "outcome", "closed_on")} == {
        "case_id": case["case_id"], "status": "closed", "outcome": "settled",
        "closed_on": TODAY.isoformat()}
    assert body["opened_on"] == case["opened_on"] and body["amount"] == case["amount"]
    again = api.call("POST", path, "risk_manager", json={"outcome": "recovered", "note": "y"})
    assert again.status_code == 409
    assert api.call("POST", "/v1/legal-cases/999999/close", "risk_manager",
                    json={"outcome": "settled", "note": "x"}).status_code == 404
    listed = api.call("GET", "/v1/legal-cases?status=closed", "auditor").get_json()
    assert [(c["case_id"], c["outcome"]) for c in listed["legal_cases"]] == [
        (case["case_id"], "settled")]
    with services.uow() as uow:
        history = uow.session.execute(
            select(ChangeRecord.field, ChangeRecord.new_value, ChangeRecord.changed_by)
            .where(ChangeRecord.entity == "legal_case",
                   ChangeRecord.entity_id == str(case["case_id"]))).all()
    assert sorted(tuple(h) for h in history) == [
        ("note", "settled in court for 80%", "risk_manager-key"),
        ("outcome", "settled", "risk_manager-key"),
        ("status", "closed", "risk_manager-key")]
