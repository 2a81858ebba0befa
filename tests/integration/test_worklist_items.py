"""One worklist over several customers, each item from its own customer's records: the next
step days away after the steps taken, a kept plan and a full dispute that pause dunning,
the latest of several contacts; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from policy_service.container import Services
from policy_service.services.day.run import run_daily
from tests.conftest import Api
from tests.integration.test_collections_disputes import Day

DUE = date(2026, 3, 1)


def _invoice(api: Api, invoice_id: str, customer_id: str, due: date = DUE) -> None:
    response = api.call("POST", "/v1/invoices", json={
        "invoice_id": invoice_id, "customer_id": customer_id, "amount": "1000.00",
        "currency": "CNY", "issue_date": (due - timedelta(days=30)).isoformat(),
        "due_date": due.isoformat()})
    assert response.status_code == 201, response.get_json()


def _contact(api: Api, customer_id: str, channel: str, outcome: str) -> None:
    response = api.call("POST", f"/v1/customers/{customer_id}/contacts", role="risk_manager",
                        json={"channel": channel, "outcome": outcome, "note": ""})
    assert response.status_code == 201, response.get_json()


def test_each_item_has_its_own_next_step_plan_disputes_and_last_contact(
        api: Api, services: Services) -> None:
    day = Day(services, DUE)
    for customer_id in ("C-1", "C-2", "C-3", "C-4"):
        api.customer(customer_id, tier="B", owner="sales-key")
    _invoice(api, "INV-1", "C-1")
    _invoice(api, "INV-2", "C-2")
    _invoice(api, "INV-3", "C-3")
    _invoice(api, "INV-4", "C-3", DUE + timedelta(days=5))
    _invoice(api, "INV-5", "C-4")
    day.today = DUE + timedelta(days=1)
    plan = api.call("POST", "/v1/customers/C-2/payment-plans", role="risk_manager", json={
        "plan_id": "PL-2", "invoice_ids": ["INV-2"],
        "instalments": [{"due_date": (DUE + timedelta(days=40)).isoformat(),
                         "amount": "1000.00"}]})
    assert plan.status_code == 201, plan.get_json()
    disputed = api.call("POST", "/v1/invoices/INV-3/disputes",
                        json={"dispute_id": "D-3", "reason": "wrong quantity"})
    assert disputed.status_code == 201, disputed.get_json()
    day.today = DUE + timedelta(days=10)
    run_daily(services.uow(), services.rulesets, day.today)  # the steps so far are taken
    _contact(api, "C-1", "phone", "no answer")
    _contact(api, "C-1", "email", "statement sent")
    _contact(api, "C-3", "visit", "met the buyer")
    items = {i["customer_id"]: i for i in
             api.call("GET", "/v1/worklist", role="risk_manager").get_json()["items"]}
    assert set(items) == {"C-1", "C-2", "C-3", "C-4"}
    # phone_follow_up (day 7) is taken: the letter on day 30 is next, days away
    assert items["C-1"]["next_step"] == {"step": "formal_demand_letter",
                                         "on": (DUE + timedelta(days=30)).isoformat()}
    assert (items["C-1"]["last_contact"]["channel"],
            items["C-1"]["last_contact"]["outcome"]) == ("email", "statement sent")
    assert (items["C-1"]["open_disputes"], items["C-1"]["active_plan"]) == (0, None)
    # a kept plan pauses dunning: no next step, the plan shown
    assert (items["C-2"]["next_step"], items["C-2"]["active_plan"]) == (None, "PL-2")
    assert items["C-2"]["last_contact"] is None
    # the fully disputed older invoice takes no step (its steps were never taken, so it
    # would be due today); the next is the younger invoice's phone follow-up
    assert items["C-3"]["next_step"] == {"step": "phone_follow_up",
                                         "on": (DUE + timedelta(days=12)).isoformat()}
    assert items["C-3"]["open_disputes"] == 1
    assert items["C-3"]["last_contact"]["channel"] == "visit"
    assert items["C-4"]["next_step"] == items["C-1"]["next_step"]
    assert items["C-4"]["last_contact"] is None
