"""The credit check over the v1 API, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from tests.conftest import Api


def test_an_order_within_the_limit_is_approved_and_reserves_its_amount(api: Api) -> None:
    api.customer(credit_limit="100000.00")
    response = api.check("SO-1", "30000.00")
    assert response.status_code == 200
    body = response.get_json()
    assert body["outcome"] == "approved"
    assert [r["code"] for r in body["reasons"]] == ["WITHIN_POLICY"]
    assert body["reserved"] == "30000.00"
    assert body["exposure_before"] == "0.00"
    assert body["available_after"] == "70000.00"
    assert body["ruleset"]["name"] == "credit_approval"
    assert body["ruleset"]["version"] == 1
    credit = api.call("GET", "/v1/customers/C-1/credit").get_json()
    assert credit["exposure"]["reserved_orders"] == "30000.00"
    assert credit["available"] == "70000.00"


def test_an_order_over_the_limit_is_held_with_the_excess_in_both_languages(api: Api) -> None:
    api.customer(credit_limit="100000.00")
    assert api.check("SO-1", "60000.00").get_json()["outcome"] == "approved"
    body = api.check("SO-2", "72000.00").get_json()
    assert body["outcome"] == "hold"
    over = next(r for r in body["reasons"] if r["code"] == "CREDIT_LIMIT_EXCEEDED")
    assert "32,000.00" in over["message"]["en"] and "CNY" in over["message"]["en"]
    assert "32,000.00" in over["message"]["zh"] and "超出信用额度" in over["message"]["zh"]
    assert body["reserved"] == "0.00"
    explained = next(e for e in body["explanation"] if e["rule"] == "over_limit")
    assert any("32,000.00" in c["left"] for c in explained["conditions"])


def test_an_excess_up_to_a_fifth_of_the_limit_is_approved_once_prepaid(api: Api) -> None:
    api.customer(credit_limit="100000.00")
    api.check("SO-1", "60000.00")
    body = api.check("SO-2", "52000.00").get_json()
    assert body["outcome"] == "approved_with_conditions"
    assert [r["code"] for r in body["reasons"]] == ["PREPAY_EXCESS"]
    assert body["conditions"] == [{"type": "prepayment", "amount": "12000.00"}]
    assert "12,000.00 CNY" in body["reasons"][0]["message"]["en"]
    assert body["reserved"] == "40000.00"
    credit = api.call("GET", "/v1/customers/C-1/credit").get_json()
    assert credit["available"] == "0.00"


def test_exactly_at_the_limit_is_approved_and_one_cent_more_asks_for_that_cent(api: Api) -> None:
    api.customer(credit_limit="1000.00", collateral_amount="500.00")
    assert api.check("SO-1", "1500.00").get_json()["outcome"] == "approved"
    api.customer("C-2", credit_limit="1000.00", collateral_amount="500.00")
    cent = api.check("SO-2", "1500.01", customer_id="C-2").get_json()
    assert cent["outcome"] == "approved_with_conditions"  # on prepaying the cent over
    assert cent["conditions"] == [{"type": "prepayment", "amount": "0.01"}]
    api.customer("C-3", credit_limit="1000.00", collateral_amount="500.00")
    # 20% of the limit (200.00, collateral not counted) and one cent beyond it: held
    assert api.check("SO-3", "1700.01", customer_id="C-3").get_json()["outcome"] == "hold"


def test_the_same_order_twice_returns_the_same_decision_and_reserves_once(api: Api) -> None:
    api.customer(credit_limit="100000.00")
    first = api.check("SO-1", "40000.00").get_json()
    again = api.check("SO-1", "40000.00").get_json()
    assert again == first  # the recorded decision, byte for byte the first answer
    credit = api.call("GET", "/v1/customers/C-1/credit").get_json()
    assert credit["exposure"]["reserved_orders"] == "40000.00"


def test_the_same_order_with_another_amount_is_a_conflict(api: Api) -> None:
    api.customer()
    api.check("SO-1", "100.00")
    response = api.check("SO-1", "200.00")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"


def test_a_poor_credit_customer_with_a_large_order_prepays_thirty_percent(api: Api) -> None:
    api.customer(tier="C", credit_limit="10000.00")
    body = api.check("SO-1", "6000.00").get_json()
    assert body["outcome"] == "approved_with_conditions"
    assert body["conditions"] == [{"type": "prepayment", "percent": "30"}]
    assert body["reserved"] == "4200.00"


def test_cash_in_advance_customers_prepay_everything_and_reserve_nothing(api: Api) -> None:
    api.customer(tier="D", credit_limit="0.00")
    body = api.check("SO-1", "500.00").get_json()
    assert body["outcome"] == "hold"  # over the zero limit, and prepayment required
    codes = {r["code"] for r in body["reasons"]}
    assert {"PREPAYMENT_REQUIRED", "CREDIT_LIMIT_EXCEEDED"} <= codes
    api.customer("C-2", tier="D", credit_limit="1000.00")
    body = api.check("SO-2", "500.00", customer_id="C-2").get_json()
    assert body["outcome"] == "approved_with_conditions"
    assert body["conditions"] == [{"type": "prepayment", "percent": "100"}]
    assert body["reserved"] == "0.00"


def test_a_blacklisted_customer_is_declined(api: Api) -> None:
    api.customer()
    response = api.call("PUT", "/v1/customers/C-1/status", role="risk_manager",
                        json={"status": "blacklisted", "reason": "fraud"})
    assert response.status_code == 200
    body = api.check("SO-1", "10.00").get_json()
    assert body["outcome"] == "declined"
    assert "CUSTOMER_BLACKLISTED" in [r["code"] for r in body["reasons"]]


def test_an_invoice_more_than_thirty_days_overdue_holds_new_orders(api: Api) -> None:
    api.customer(credit_limit="100000.00")
    due = date.today() - timedelta(days=31)
    api.call("POST", "/v1/invoices", json={
        "invoice_id": "INV-1", "customer_id": "C-1", "amount": "100.00", "currency": "CNY",
        "issue_date": (due - timedelta(days=60)).isoformat(), "due_date": due.isoformat()})
    body = api.check("SO-1", "10.00").get_json()
    assert body["outcome"] == "hold"
    reason = next(r for r in body["reasons"] if r["code"] == "OVERDUE_OVER_30_DAYS")
    assert "31" in reason["message"]["en"]


def test_a_released_hold_is_approved_and_reserves_its_amount(api: Api) -> None:
    api.customer(credit_limit="100.00")
    held = api.check("SO-1", "150.00").get_json()
    assert held["outcome"] == "hold"
    response = api.call("POST", f"/v1/credit-checks/{held['decision_id']}/release",
                        role="risk_manager", json={"note": "customer paid by wire"})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["outcome"], body["status"], body["reserved"]) == ("approved", "released", "150.00")
    assert [h["action"] for h in body["history"]] == ["decided", "released"]
    assert body["history"][1]["note"] == "customer paid by wire"
    again = api.call("POST", f"/v1/credit-checks/{held['decision_id']}/release",
                     role="risk_manager", json={"note": "twice"})
    assert again.status_code == 409


def test_a_rejected_hold_reserves_nothing(api: Api) -> None:
    api.customer(credit_limit="100.00")
    held = api.check("SO-1", "150.00").get_json()
    body = api.call("POST", f"/v1/credit-checks/{held['decision_id']}/reject",
                    role="risk_manager", json={"note": "too risky"}).get_json()
    assert (body["status"], body["reserved"]) == ("rejected", "0.00")


def test_only_risk_managers_release_holds(api: Api) -> None:
    api.customer(credit_limit="100.00")
    held = api.check("SO-1", "150.00").get_json()
    for role in ("order_system", "sales", "auditor"):
        response = api.call("POST", f"/v1/credit-checks/{held['decision_id']}/release",
                            role=role, json={"note": "x"})
        assert response.status_code == 403, role
    assert api.call("GET", f"/v1/credit-checks/{held['decision_id']}",
                    role="sales").get_json()["status"] == "open"


def test_cancelling_an_order_releases_its_reservation(api: Api) -> None:
    api.customer(credit_limit="1000.00")
    api.check("SO-1", "800.00")
    response = api.call("POST", "/v1/orders/SO-1/cancel", json={"note": "customer cancelled"})
    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled"
    credit = api.call("GET", "/v1/customers/C-1/credit").get_json()
    assert credit["exposure"]["reserved_orders"] == "0.00"
    assert api.call("POST", "/v1/orders/SO-unknown/cancel").status_code == 404


def test_an_invoice_for_an_order_consumes_its_reservation(api: Api) -> None:
    api.customer(credit_limit="1000.00")
    check = api.check("SO-1", "800.00").get_json()
    api.call("POST", "/v1/invoices", json={
        "invoice_id": "INV-1", "customer_id": "C-1", "amount": "500.00", "currency": "CNY",
        "issue_date": date.today().isoformat(), "order_id": "SO-1"})
    credit = api.call("GET", "/v1/customers/C-1/credit").get_json()
    assert credit["exposure"] == {"open_receivables": "500.00", "reserved_orders": "300.00",
                                  "total": "800.00"}
    body = api.call("GET", f"/v1/credit-checks/{check['decision_id']}").get_json()
    assert body["reserved"] == "300.00"


def test_every_decision_records_what_is_needed_to_replay_it(api: Api, services) -> None:
    from policy_service.db.models import CreditCheck

    api.customer(credit_limit="100.00")
    decision_id = api.check("SO-1", "150.00").get_json()["decision_id"]
    with services.uow() as uow:
        row = uow.session.get(CreditCheck, decision_id)
        assert row.facts["order"]["amount"] == "150.00"
        assert row.facts["customer"]["credit_limit"] == "100.00"
        assert row.matched_rules == ["over_limit"]
        assert row.ruleset_version == 1 and len(row.ruleset_checksum) == 64
        assert row.requested_by == "order_system-key"


def test_every_change_to_a_customer_is_recorded_with_who_and_old_and_new(api: Api,
                                                                          services) -> None:
    from sqlalchemy import select

    from policy_service.db.models_admin import ChangeRecord

    api.customer(credit_limit="1000.00", tier="B")
    api.customer(credit_limit="2500.00", tier="A")
    api.call("PUT", "/v1/customers/C-1/status", role="risk_manager",
             json={"status": "blacklisted", "reason": "fraud"})
    with services.uow() as uow:
        rows = uow.session.scalars(select(ChangeRecord).where(
            ChangeRecord.entity_id == "C-1").order_by(ChangeRecord.id)).all()
        changes = {(r.field, r.old_value, r.new_value, r.changed_by) for r in rows}
    assert ("credit_limit", "1000.00", "2500.00", "order_system-key") in changes
    assert ("tier", "B", "A", "order_system-key") in changes
    assert ("status", "active", "blacklisted", "risk_manager-key") in changes


def test_an_order_asking_for_a_longer_term_than_the_customers_is_held(api: Api) -> None:
    api.customer(payment_term_days=30)
    longer = api.check("SO-90", "100.00", requested_term_days=90).get_json()
    assert (longer["outcome"], [r["code"] for r in longer["reasons"]]) == (
        "hold", ["TERM_EXCEEDS_POLICY"])
    assert "90-day term" in longer["reasons"][0]["message"]["en"]
    same = api.check("SO-30", "100.00", requested_term_days=30).get_json()
    assert same["outcome"] == "approved"
