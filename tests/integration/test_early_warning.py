"""Early warning in the day's run and GET /v1/alerts, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from policy_service.container import Services
from policy_service.db.models_receivables import OutboxMessage
from policy_service.services.day.run import run_daily
from tests.conftest import Api
from tests.integration.receivables_book import invoice, pay, rows
from tests.integration.test_collections_disputes import Day

DUE = date(2026, 3, 1)


def _alerts(api: Api, query: str = "", role: str = "risk_manager") -> list[dict]:
    response = api.call("GET", f"/v1/alerts{query}", role)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["alerts"]


def test_high_utilization_opens_one_alert_and_a_task_and_closes_when_it_falls(
        services: Services, api: Api) -> None:
    api.customer(credit_limit="10000.00", owner="sales-key")
    invoice(services, "I-1", "9000.00", DUE)
    run_daily(services.uow(), services.rulesets, DUE - timedelta(days=5))
    run_daily(services.uow(), services.rulesets, DUE - timedelta(days=5))  # the same day again
    (alert,) = _alerts(api)
    assert (alert["customer_id"], alert["rule"], alert["level"], alert["code"]) == (
        "C-1", "utilization_high", "warning", "UTILIZATION_HIGH")
    assert (alert["status"], alert["opened_on"], alert["closed_on"]) == (
        "open", (DUE - timedelta(days=5)).isoformat(), None)
    assert alert["ruleset_version"] == 1
    assert "9,000.00 CNY" in alert["message"]["en"] and "80%" in alert["message"]["zh"]
    (task,) = [m for m in rows(services, OutboxMessage) if m.channel == "task"]
    assert task.recipient == "sales-key" and "9,000.00 CNY" in task.body_en
    assert api.call("GET", "/v1/customers/C-1/credit").get_json()["open_alerts"] == 1
    pay(services, "P-1", "I-1", "5000.00", DUE - timedelta(days=3))
    run_daily(services.uow(), services.rulesets, DUE - timedelta(days=2))
    assert _alerts(api, "?status=open") == []
    assert api.call("GET", "/v1/customers/C-1/credit").get_json()["open_alerts"] == 0
    (closed,) = _alerts(api, "?status=closed")
    assert (closed["alert_id"], closed["closed_on"]) == (
        alert["alert_id"], (DUE - timedelta(days=2)).isoformat())


def test_an_old_unpaid_invoice_raises_the_overdue_alerts_and_owners_see_their_own(
        services: Services, api: Api) -> None:
    api.customer("C-1", owner="sales-key")
    api.customer("C-2", owner="someone-else")
    invoice(services, "I-1", "1000.00", DUE, customer_id="C-1")  # issued 30 days before DUE
    invoice(services, "I-2", "1000.00", DUE, customer_id="C-2")
    as_of = DUE + timedelta(days=40)  # 70 days since issue, nothing paid, all overdue
    run_daily(services.uow(), services.rulesets, as_of)
    found = {(a["customer_id"], a["rule"], a["level"]) for a in _alerts(api, "?status=open")}
    assert found == {(c, rule, level) for c in ("C-1", "C-2") for rule, level in (
        ("overdue_share_high", "critical"), ("no_payment_60d", "warning"))}
    critical = _alerts(api, "?level=critical")
    assert {a["rule"] for a in critical} == {"overdue_share_high"}
    assert "100" in critical[0]["message"]["en"]  # 100% of the balance is overdue
    own = _alerts(api, "", "sales")
    assert {a["customer_id"] for a in own} == {"C-1"}
    assert {a["customer_id"] for a in _alerts(api, "?owner=someone-else", "sales")} == {"C-1"}
    assert {a["customer_id"] for a in _alerts(api, "?owner=someone-else")} == {"C-2"}


def test_a_back_dated_run_leaves_alerts_alone(services: Services, api: Api) -> None:
    api.customer(credit_limit="10000.00")
    invoice(services, "I-1", "9000.00", DUE)
    run_daily(services.uow(), services.rulesets, DUE)
    pay(services, "P-1", "I-1", "9000.00", DUE)
    run_daily(services.uow(), services.rulesets, DUE - timedelta(days=1))  # back-dated
    assert [a["status"] for a in _alerts(api)] == ["open"]


def test_bad_alert_queries_are_refused(services: Services, api: Api) -> None:
    assert api.call("GET", "/v1/alerts?status=pending", "auditor").status_code == 422
    assert api.call("GET", "/v1/alerts?level=severe", "auditor").status_code == 422
    assert api.call("GET", "/v1/alerts", "order_system").status_code == 403


def test_a_broken_plan_raises_a_critical_alert_that_closes_a_year_after_the_break(
        services: Services, api: Api) -> None:
    day = Day(services, DUE)
    api.customer(owner="sales-key")
    invoice(services, "INV-1", "1000.00", DUE)
    day.today = DUE + timedelta(days=10)
    instalment = day.today + timedelta(days=5)
    agreed = api.call("POST", "/v1/customers/C-1/payment-plans", role="risk_manager", json={
        "plan_id": "PL-1", "invoice_ids": ["INV-1"],
        "instalments": [{"due_date": instalment.isoformat(), "amount": "1000.00"}]})
    assert agreed.status_code == 201, agreed.get_json()
    run_daily(services.uow(), services.rulesets, instalment + timedelta(days=3))  # tolerance
    assert "broken_plan" not in {a["rule"] for a in _alerts(api)}
    broke = day.today = instalment + timedelta(days=4)
    run_daily(services.uow(), services.rulesets, broke)
    run_daily(services.uow(), services.rulesets, broke)  # the same day again: still one
    plan = api.call("GET", "/v1/payment-plans/PL-1", role="risk_manager").get_json()
    assert (plan["status"], plan["ended_on"]) == ("broken", broke.isoformat())
    (alert,) = [a for a in _alerts(api) if a["rule"] == "broken_plan"]
    assert (alert["level"], alert["code"], alert["status"], alert["opened_on"]) == (
        "critical", "BROKEN_PAYMENT_PLAN", "open", broke.isoformat())
    assert alert["message"]["en"] == "Acme broke 1 payment plan(s) in the last 365 days"
    assert "1 个还款计划失效" in alert["message"]["zh"]
    (task,) = [m for m in rows(services, OutboxMessage)
               if m.channel == "task" and "BROKEN_PAYMENT_PLAN" in m.subject]
    assert task.recipient == "sales-key" and "critical" in task.body_en
    pay(services, "P-1", "INV-1", "1000.00", broke)  # principal, then the penalty left
    pay(services, "P-2", "INV-1", api.call("GET", "/v1/invoices/INV-1").get_json()[
        "outstanding"], broke)
    assert api.call("GET", "/v1/invoices/INV-1").get_json()["status"] == "paid"
    run_daily(services.uow(), services.rulesets, broke + timedelta(days=364))
    assert [a["status"] for a in _alerts(api) if a["rule"] == "broken_plan"] == ["open"]
    year_on = broke + timedelta(days=365)  # the break is no longer within 365 days
    run_daily(services.uow(), services.rulesets, year_on)
    (closed,) = [a for a in _alerts(api) if a["rule"] == "broken_plan"]
    assert (closed["alert_id"], closed["status"], closed["closed_on"]) == (
        alert["alert_id"], "closed", year_on.isoformat())


def test_an_invoice_disputed_in_full_is_not_overdue_for_early_warning(
        services: Services, api: Api) -> None:
    day = Day(services, DUE)
    api.customer()
    invoice(services, "INV-1", "1000.00", DUE)
    disputed = api.call("POST", "/v1/invoices/INV-1/disputes",
                        json={"dispute_id": "D-1", "reason": "damaged"})
    assert disputed.status_code == 201, disputed.get_json()
    day.today = DUE + timedelta(days=40)  # 70 days since issue, nothing paid
    run_daily(services.uow(), services.rulesets, day.today)
    assert _alerts(api) == []  # neither the overdue share nor "no payment while overdue"
    assert api.call("POST", "/v1/disputes/D-1/resolve", role="risk_manager", json={
        "in_favour_of": "company", "note": "goods were fine"}).status_code == 200
    day.today += timedelta(days=1)
    run_daily(services.uow(), services.rulesets, day.today)
    assert {a["rule"] for a in _alerts(api)} == {"overdue_share_high", "no_payment_60d"}
