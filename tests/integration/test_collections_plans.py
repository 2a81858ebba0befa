"""Payment plans, promises from contacts and the worklist, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from policy_service.container import Services
from policy_service.db.models_receivables import DunningStep, PenaltyAccrual
from policy_service.services.day.run import run_daily
from tests.conftest import Api
from tests.integration.receivables_book import rows
from tests.integration.test_collections_disputes import Day

DUE = date(2026, 3, 1)
AGREED = DUE + timedelta(days=10)


def _invoice(api: Api, invoice_id: str, amount: str, customer_id: str = "C-1") -> None:
    response = api.call("POST", "/v1/invoices", json={
        "invoice_id": invoice_id, "customer_id": customer_id, "amount": amount,
        "currency": "CNY", "issue_date": (DUE - timedelta(days=30)).isoformat(),
        "due_date": DUE.isoformat()})
    assert response.status_code == 201, response.get_json()


def _plan(api: Api, instalments: list[tuple[date, str]], plan_id: str = "PL-1",
          invoice_ids: tuple[str, ...] = ("INV-1",)) -> object:
    return api.call("POST", "/v1/customers/C-1/payment-plans", role="risk_manager", json={
        "plan_id": plan_id, "invoice_ids": list(invoice_ids),
        "instalments": [{"due_date": d.isoformat(), "amount": a} for d, a in instalments]})


def _pay(api: Api, payment_id: str, amount: str, on: date) -> None:
    response = api.call("POST", "/v1/payments", json={
        "payment_id": payment_id, "invoice_id": "INV-1", "amount": amount, "currency": "CNY",
        "paid_at": on.isoformat()})
    assert response.status_code == 201, response.get_json()


def _start(api: Api, services: Services) -> Day:
    day = Day(services, DUE)
    api.customer(tier="B", owner="sales-key")
    _invoice(api, "INV-1", "1000.00")
    day.today = AGREED
    return day


def test_instalments_must_add_up_and_an_invoice_sits_in_one_active_plan(
        api: Api, services: Services) -> None:
    _start(api, services)
    short = _plan(api, [(AGREED + timedelta(days=5), "500.00")])
    assert short.status_code == 422
    assert api.call("GET", "/v1/customers/C-1/payment-plans",
                    role="auditor").get_json() == {"payment_plans": []}
    made = _plan(api, [(AGREED + timedelta(days=5), "500.00"),
                       (AGREED + timedelta(days=35), "500.00")])
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert (body["status"], body["agreed_on"], body["agreed_by"]) == (
        "active", AGREED.isoformat(), "risk_manager-key")
    assert [(i["amount"], i["paid"], i["status"]) for i in body["instalments"]] == [
        ("500.00", "0.00", "due"), ("500.00", "0.00", "due")]
    again = _plan(api, [(AGREED + timedelta(days=5), "500.00"),
                        (AGREED + timedelta(days=35), "500.00")])
    assert again.status_code == 200
    other = _plan(api, [(AGREED + timedelta(days=5), "1000.00")], plan_id="PL-2")
    assert other.status_code == 409
    assert api.call("GET", "/v1/customers/C-1/credit").get_json()["active_plans"] == 1


def test_payments_settle_instalments_in_date_order_and_a_kept_plan_pauses_penalty_and_dunning(
        api: Api, services: Services) -> None:
    day = _start(api, services)
    run_daily(services.uow(), services.rulesets, AGREED - timedelta(days=1))
    steps_before = len(rows(services, DunningStep, invoice_id="INV-1"))
    accrued_before = api.call("GET", "/v1/invoices/INV-1").get_json()["outstanding"]
    made = _plan(api, [(AGREED + timedelta(days=5), "300.00"),
                       (AGREED + timedelta(days=60), str(Decimal(accrued_before) - 300))])
    assert made.status_code == 201, made.get_json()
    day.today = AGREED + timedelta(days=3)  # a payment is never value-dated after today
    _pay(api, "P-1", "400.00", day.today)
    day.today = AGREED + timedelta(days=40)
    run_daily(services.uow(), services.rulesets, day.today)
    plan = api.call("GET", "/v1/payment-plans/PL-1", role="risk_manager").get_json()
    assert plan["status"] == "active"
    assert [(i["paid"], i["status"]) for i in plan["instalments"]] == [
        ("300.00", "paid"), ("100.00", "due")]
    assert len(rows(services, DunningStep, invoice_id="INV-1")) == steps_before
    days = [a.day for a in rows(services, PenaltyAccrual, invoice_id="INV-1")]
    assert max(days) < AGREED


def test_an_instalment_unpaid_after_the_tolerance_breaks_the_plan_and_escalation_resumes(
        api: Api, services: Services) -> None:
    day = _start(api, services)
    first = AGREED + timedelta(days=5)
    assert _plan(api, [(first, "400.00"), (first + timedelta(days=30), "600.00")]
                 ).status_code == 201
    day.today = first + timedelta(days=3)  # 3 days' tolerance: still kept
    run_daily(services.uow(), services.rulesets, day.today)
    plan = api.call("GET", "/v1/payment-plans/PL-1", role="risk_manager").get_json()
    assert plan["status"] == "active"
    assert plan["instalments"][0]["status"] == "missed"
    assert rows(services, DunningStep, invoice_id="INV-1") == []
    day.today = first + timedelta(days=4)
    run_daily(services.uow(), services.rulesets, day.today)
    plan = api.call("GET", "/v1/payment-plans/PL-1", role="risk_manager").get_json()
    assert (plan["status"], plan["ended_on"]) == ("broken", day.today.isoformat())
    assert plan["ruleset_version"] == 1
    steps = {s.step for s in rows(services, DunningStep, invoice_id="INV-1")}
    assert "phone_follow_up" in steps  # the step the invoice's age calls for, at once
    accrued = [a.day for a in rows(services, PenaltyAccrual, invoice_id="INV-1")]
    assert accrued and day.today in accrued  # penalty resumes on the breaking run's day
    assert not [d for d in accrued if AGREED <= d < day.today]  # none for the kept days
    decision = api.check("SO-1", "100.00").get_json()
    assert decision["outcome"] == "hold"
    assert "BROKEN_PAYMENT_PLAN" in [r["code"] for r in decision["reasons"]]
    listed = api.call("GET", "/v1/worklist", role="risk_manager").get_json()["items"]
    assert listed[0]["broken_plans_365d"] == 1


def test_a_plan_is_cancelled_with_a_note_once(api: Api, services: Services) -> None:
    _start(api, services)
    assert _plan(api, [(AGREED + timedelta(days=5), "1000.00")]).status_code == 201
    assert api.call("POST", "/v1/payment-plans/PL-1/cancel", role="risk_manager",
                    json={}).status_code == 422
    cancelled = api.call("POST", "/v1/payment-plans/PL-1/cancel", role="risk_manager",
                         json={"note": "customer asked for a new plan"})
    assert cancelled.status_code == 200
    assert (cancelled.get_json()["status"], cancelled.get_json()["end_note"]) == (
        "cancelled", "customer asked for a new plan")
    assert api.call("POST", "/v1/payment-plans/PL-1/cancel", role="risk_manager",
                    json={"note": "again"}).status_code == 409
    assert _plan(api, [(AGREED + timedelta(days=5), "1000.00")], plan_id="PL-2"
                 ).status_code == 201


def test_a_promise_from_a_logged_call_is_a_one_instalment_plan(
        api: Api, services: Services) -> None:
    _start(api, services)
    bad = api.call("POST", "/v1/customers/C-1/contacts", role="sales", json={
        "channel": "fax", "outcome": "x", "note": ""})
    assert bad.status_code == 422
    logged = api.call("POST", "/v1/customers/C-1/contacts", role="sales", json={
        "channel": "phone", "outcome": "promised to pay", "note": "pays Friday",
        "promise": {"due_date": (AGREED + timedelta(days=4)).isoformat(), "amount": "1000.00",
                    "invoice_ids": ["INV-1"]}})
    assert logged.status_code == 201, logged.get_json()
    plan_id = logged.get_json()["plan_id"]
    plan = api.call("GET", f"/v1/payment-plans/{plan_id}", role="sales").get_json()
    assert [(i["amount"], i["due_date"]) for i in plan["instalments"]] == [
        ("1000.00", (AGREED + timedelta(days=4)).isoformat())]
    contacts = api.call("GET", "/v1/customers/C-1/contacts", role="auditor").get_json()
    assert [(c["channel"], c["by"], c["plan_id"]) for c in contacts["contacts"]] == [
        ("phone", "sales-key", plan_id)]
    wrong = api.call("POST", "/v1/customers/C-1/contacts", role="sales", json={
        "channel": "phone", "outcome": "promised", "note": "",
        "promise": {"due_date": AGREED.isoformat(), "amount": "10.00",
                    "invoice_ids": ["INV-1"]}})
    assert wrong.status_code == 409  # already in an active plan
    assert len(api.call("GET", "/v1/customers/C-1/contacts",
                        role="auditor").get_json()["contacts"]) == 1


def test_the_worklist_ranks_by_outstanding_times_days_and_sales_see_their_own(
        api: Api, services: Services) -> None:
    day = Day(services, DUE)
    api.customer("C-1", tier="B", owner="sales-key")
    api.customer("C-2", tier="B", owner="someone-else")
    _invoice(api, "INV-1", "1000.00", "C-1")
    _invoice(api, "INV-2", "3000.00", "C-2")
    day.today = DUE + timedelta(days=5)
    run_daily(services.uow(), services.rulesets, day.today)  # the notices so far are done
    items = api.call("GET", "/v1/worklist", role="risk_manager").get_json()["items"]
    owed = {i: Decimal(api.call("GET", f"/v1/invoices/{i}").get_json()["outstanding"])
            for i in ("INV-1", "INV-2")}
    assert owed["INV-2"] > Decimal("3000.00")  # two penalty days after the 3 grace days
    assert [(i["customer_id"], i["priority"], i["oldest_days"]) for i in items] == [
        ("C-2", f"{owed['INV-2'] * 5:.2f}", 5), ("C-1", f"{owed['INV-1'] * 5:.2f}", 5)]
    assert items[0]["next_step"] == {"step": "phone_follow_up",
                                     "on": (DUE + timedelta(days=7)).isoformat()}
    own = api.call("GET", "/v1/worklist", role="sales").get_json()["items"]
    assert [i["customer_id"] for i in own] == ["C-1"]
    assert api.call("GET", "/v1/worklist?owner=someone-else", role="sales").status_code == 403
    assert api.call("GET", "/v1/customers/C-2/contacts", role="sales").status_code == 403
    other = api.call("GET", "/v1/worklist?owner=someone-else", role="auditor").get_json()
    assert [i["customer_id"] for i in other["items"]] == ["C-2"]


def test_a_kept_plan_lifts_a_stop_supply_its_invoice_caused_and_the_run_keeps_it_lifted(
        api: Api, services: Services) -> None:
    day = Day(services, DUE)
    api.customer(tier="B", owner="sales-key")
    _invoice(api, "INV-1", "1000.00")
    day.today = DUE + timedelta(days=65)
    run_daily(services.uow(), services.rulesets, day.today)
    assert api.call("GET", "/v1/customers/C-1/credit").get_json()["status"] == "stop_supply"
    owed = api.call("GET", "/v1/invoices/INV-1").get_json()["outstanding"]
    assert _plan(api, [(day.today + timedelta(days=10), owed)]).status_code == 201
    assert api.call("GET", "/v1/customers/C-1/credit").get_json()["status"] == "active"
    day.today += timedelta(days=1)
    run_daily(services.uow(), services.rulesets, day.today)
    assert api.call("GET", "/v1/customers/C-1/credit").get_json()["status"] == "active"
