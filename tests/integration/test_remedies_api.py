"""Remedies on the credit-check body, stored with the decision, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from policy_service.container import Services
from policy_service.services.credit.replay import replay_remedies
from tests.conftest import Api


def _invoice(api: Api, invoice_id: str, amount: str, days_overdue: int) -> None:
    due = date.today() - timedelta(days=days_overdue)
    response = api.call("POST", "/v1/invoices", json={
        "invoice_id": invoice_id, "customer_id": "C-1", "amount": amount, "currency": "CNY",
        "issue_date": (due - timedelta(days=60)).isoformat(), "due_date": due.isoformat()})
    assert response.status_code == 201, response.get_json()


def test_a_plain_approval_has_no_remedies(api: Api) -> None:
    api.customer(credit_limit="100000.00")
    assert api.check("SO-1", "1000.00").get_json()["remedies"] == []


def test_an_order_over_the_limit_says_how_much_less_or_how_much_to_prepay(api: Api) -> None:
    api.customer(credit_limit="10000.00")
    body = api.check("SO-1", "15000.00").get_json()
    assert body["outcome"] == "hold"
    by_type = {r["type"]: r for r in body["remedies"]}
    assert set(by_type) == {"reduce_amount", "prepay"}
    assert by_type["reduce_amount"]["max_amount"] == "10000.00"
    assert by_type["reduce_amount"]["message"] == {
        "zh": "将订单金额降至 10,000.00 CNY 以下即可批准",
        "en": "reduce the order to 10,000.00 CNY or less to be approved"}
    assert by_type["prepay"]["amount"] == "5000.00"
    assert by_type["prepay"]["message"]["en"] == "prepay 5,000.00 CNY to be approved"
    # the remedy is a promise: the order at its bound is approved, one cent more is not
    assert api.check("SO-2", "10000.00").get_json()["outcome"] == "approved"
    api.customer("C-2", credit_limit="10000.00")
    assert api.check("SO-3", "10000.01", customer_id="C-2").get_json()["outcome"] != "approved"


def test_overdue_invoices_to_collect_are_named_oldest_first_and_stored(api: Api) -> None:
    api.customer(credit_limit="100000.00")
    _invoice(api, "INV-7", "12000.00", 45)
    _invoice(api, "INV-8", "3000.00", 10)
    body = api.check("SO-1", "1000.00").get_json()
    assert body["outcome"] == "hold"
    pay = next(r for r in body["remedies"] if r["type"] == "pay_overdue")
    assert pay["amount"] == "12000.00" and pay["invoice_ids"] == ["INV-7"]
    assert pay["message"] == {"zh": "收回发票 INV-7 逾期款 12,000.00 CNY 后可发货",
                              "en": "collect 12,000.00 CNY overdue on INV-7 to ship"}
    recorded = api.call("GET", f"/v1/credit-checks/{body['decision_id']}").get_json()
    assert recorded["remedies"] == body["remedies"]


def test_a_blacklisted_customer_is_told_who_must_change_its_status(api: Api) -> None:
    api.customer(credit_limit="100000.00")
    api.call("PUT", "/v1/customers/C-1/status", role="risk_manager",
             json={"status": "blacklisted", "reason": "fraud"})
    body = api.check("SO-1", "10.00").get_json()
    assert body["remedies"] == [{
        "type": "resolve_status", "rules": ["blacklisted"], "status": "active",
        "message": {"zh": "须由风控经理将客户状态由 blacklisted 改为 active",
                    "en": "a risk manager must change the customer's status from blacklisted "
                          "to active"}}]


def test_an_excess_prepayment_decision_says_how_to_need_no_condition(api: Api) -> None:
    api.customer(credit_limit="10000.00")
    body = api.check("SO-1", "11000.00").get_json()
    assert body["outcome"] == "approved_with_conditions"
    assert [(r["type"], r.get("max_amount")) for r in body["remedies"]] == [
        ("reduce_amount", "10000.00")]


def _dispute(api: Api, invoice_id: str, dispute_id: str, amount: str) -> None:
    response = api.call("POST", f"/v1/invoices/{invoice_id}/disputes", json={
        "dispute_id": dispute_id, "amount": amount, "reason": "wrong quantity"})
    assert response.status_code == 201, response.get_json()


def test_disputed_amounts_are_not_asked_for_and_paying_the_remedy_gets_the_order_approved(
        api: Api) -> None:
    api.customer(credit_limit="100000.00")
    _invoice(api, "INV-7", "12000.00", 45)
    _dispute(api, "INV-7", "D-7", "5000.00")  # in part: 7,000.00 is to collect
    _invoice(api, "INV-6", "3000.00", 60)
    _dispute(api, "INV-6", "D-6", "3000.00")  # in full: not overdue, not listed
    body = api.check("SO-1", "1000.00").get_json()
    assert body["outcome"] == "hold"
    assert [r["rule"] for r in body["reasons"]] == ["long_overdue"]
    pay = next(r for r in body["remedies"] if r["type"] == "pay_overdue")
    assert (pay["amount"], pay["invoice_ids"]) == ("7000.00", ["INV-7"])
    assert pay["message"]["en"] == "collect 7,000.00 CNY overdue on INV-7 to ship"
    paid = api.call("POST", "/v1/payments", json={
        "payment_id": "P-7", "invoice_id": "INV-7", "amount": pay["amount"], "currency": "CNY",
        "paid_at": date.today().isoformat()})
    assert paid.status_code == 201, paid.get_json()
    again = api.check("SO-2", "1000.00").get_json()
    assert (again["outcome"], again["remedies"]) == ("approved", [])


def test_a_replay_works_out_the_recorded_remedies_from_the_stored_input_alone(
        api: Api, services: Services) -> None:
    api.customer(credit_limit="10000.00")
    _invoice(api, "INV-7", "6000.00", 45)
    _dispute(api, "INV-7", "D-7", "1000.00")
    _invoice(api, "INV-8", "3000.00", 40)
    body = api.check("SO-1", "9000.00").get_json()  # over the limit and long overdue
    types = {r["type"] for r in body["remedies"]}
    assert {"pay_overdue", "reduce_amount", "prepay"} <= types
    pay = next(r for r in body["remedies"] if r["type"] == "pay_overdue")
    assert pay["invoice_ids"] == ["INV-7", "INV-8"]
    # the book moves on: what the database says now is not what the decision saw
    for payment_id, invoice_id, amount in (("P-7", "INV-7", "5000.00"), ("P-8", "INV-8", "100.00")):
        assert api.call("POST", "/v1/payments", json={
            "payment_id": payment_id, "invoice_id": invoice_id, "amount": amount,
            "currency": "CNY", "paid_at": date.today().isoformat()}).status_code == 201
    _invoice(api, "INV-9", "500.00", 50)
    replay = replay_remedies(services.uow(), body["decision_id"])
    assert replay["complete"] and replay["same"]
    assert replay["replayed"] == body["remedies"]


def test_a_decision_no_overdue_rule_fired_for_replays_without_invoices(
        api: Api, services: Services) -> None:
    api.customer(credit_limit="10000.00")
    body = api.check("SO-1", "15000.00").get_json()
    replay = replay_remedies(services.uow(), body["decision_id"])
    assert (replay["complete"], replay["same"]) == (True, True)
    assert [r["type"] for r in replay["replayed"]] == ["reduce_amount", "prepay"]
