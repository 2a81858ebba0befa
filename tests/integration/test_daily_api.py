"""HTTP: dunning history, reviews decided by risk managers, waivers, write-offs, aging report."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from decimal import Decimal

from policy_service.container import Services
from policy_service.db.models import Invoice
from policy_service.db.models_receivables import AgingSnapshot
from policy_service.services.day.run import run_daily
from policy_service.services.rules import registry
from tests.conftest import Api
from tests.integration.receivables_book import (
    customer,
    get_customer,
    invoice,
    rows,
    shipped_class,
    shipped_step_day,
)

DUE = date(2026, 3, 1)


def overdue_book(services: Services, days: int) -> date:
    """C-1 with I-1 of 1,000.00 due DUE, run `days` after it; returns that date (also today)."""
    customer(services)
    invoice(services, "I-1", "1000.00", DUE)
    today = DUE + timedelta(days=days)
    run_daily(services.uow(), services.rulesets, today)
    services.today = lambda: today
    return today


def test_a_risk_manager_reads_the_dunning_steps_oldest_first(services: Services, api: Api
                                                             ) -> None:
    overdue_book(services, shipped_step_day("overdue_notice"))
    body = api.call("GET", "/v1/customers/C-1/dunning", "risk_manager").get_json()
    assert [s["step"] for s in body["steps"]][-1] == "overdue_notice"
    assert {"invoice_id", "step", "channel", "on"} <= set(body["steps"][0])
    assert {s["ruleset_version"] for s in body["steps"]} == {1}  # the shipped escalation
    assert api.call("GET", "/v1/customers/C-1/dunning", "sales").status_code == 403
    assert api.call("GET", "/v1/customers/NOPE/dunning", "auditor").status_code == 404


def test_the_dunning_steps_say_whose_message_went_out_on_catch_up(services: Services, api: Api
                                                                   ) -> None:
    overdue_book(services, shipped_step_day("phone_follow_up"))  # first seen a week late
    body = api.call("GET", "/v1/customers/C-1/dunning", "auditor").get_json()
    assert [(s["step"], s["channel"], s["message_sent"]) for s in body["steps"]] == [
        ("reminder", "email", False), ("reminder", "sms", False), ("due_today", "email", False),
        ("due_today", "sms", False), ("overdue_notice", "email", True),
        ("phone_follow_up", "task", True)]


def test_approving_a_review_applies_the_proposal_once_and_records_who_and_why(
        services: Services, api: Api) -> None:
    customer(services, tier="B")
    review_date = get_customer(services).next_review_date
    run_daily(services.uow(), services.rulesets, review_date)
    (review,) = api.call("GET", "/v1/customers/C-1/reviews", "auditor").get_json()["reviews"]
    assert review["status"] == "pending" and review["ruleset_version"] == 1
    url = f"/v1/customers/C-1/reviews/{review['review_id']}"
    assert api.call("POST", f"{url}/approve", "auditor", json={"note": "x"}).status_code == 403
    done = api.call("POST", f"{url}/approve", "risk_manager", json={"note": "fine"}).get_json()
    assert (done["decided_by"], done["note"]) == ("risk_manager-key", "fine")
    after = get_customer(services)
    assert (after.tier_code, str(after.credit_limit)) == (
        review["proposal"]["tier"], review["proposal"]["credit_limit"])
    again = api.call("POST", f"{url}/reject", "risk_manager", json={"note": "oops"})
    assert again.status_code == 409
    assert get_customer(services).credit_limit == after.credit_limit


def test_a_penalty_is_waived_with_a_note_and_a_second_waiver_is_refused(
        services: Services, api: Api) -> None:
    overdue_book(services, 20)
    before = api.call("GET", "/v1/invoices/I-1", "auditor").get_json()
    waived = api.call("POST", "/v1/invoices/I-1/waive-penalty", "risk_manager",
                      json={"note": "goodwill"})
    assert waived.status_code == 200
    assert waived.get_json()["penalty_waived"] == before["penalty_accrued"]
    again = api.call("POST", "/v1/invoices/I-1/waive-penalty", "risk_manager",
                     json={"note": "again"})
    assert again.status_code == 409
    assert api.call("GET", "/v1/invoices/I-1", "auditor").get_json() == waived.get_json()
    assert api.call("POST", "/v1/invoices/NOPE/waive-penalty", "risk_manager",
                    json={"note": "x"}).status_code == 404
    assert api.call("POST", "/v1/invoices/I-1/waive-penalty", "order_system",
                    json={"note": "x"}).status_code == 403


def test_writing_off_keeps_the_stop_supply_and_cannot_be_done_twice(services: Services,
                                                                    api: Api) -> None:
    overdue_book(services, shipped_step_day("stop_supply"))
    assert get_customer(services).status == "stop_supply"
    done = api.call("POST", "/v1/invoices/I-1/write-off", "risk_manager", json={"note": "gone"})
    assert (done.status_code, done.get_json()["class"]) == (
        200, shipped_class(0, written_off=True).name)
    assert get_customer(services).status == "stop_supply"  # until a risk manager lifts it
    assert api.call("POST", "/v1/invoices/I-1/write-off", "risk_manager",
                    json={"note": "x"}).status_code == 409
    assert api.call("POST", "/v1/invoices/I-1/write-off", "risk_manager",
                    json={}).status_code == 422


def test_the_aging_report_gives_totals_with_provisions_as_json_and_rows_as_csv(
        services: Services, api: Api) -> None:
    overdue_book(services, 45)
    body = api.call("GET", "/v1/reports/aging?as_of=2026-04-15", "auditor").get_json()
    (totals,) = body["totals"]
    outstanding = api.call("GET", "/v1/invoices/I-1", "auditor").get_json()["outstanding"]
    klass = shipped_class(45)
    assert totals["buckets"]["31-60"] == outstanding
    assert totals["classes"][klass.name]["amount"] == outstanding
    provision = klass.provision(Decimal(outstanding))
    assert totals["classes"][klass.name]["provision"] == totals["provision"] == str(provision)
    csv = api.client.get("/v1/reports/aging?as_of=2026-04-15",
                         headers={**api.keys["risk_manager"], "Accept": "text/csv"})
    assert csv.mimetype == "text/csv"
    assert csv.get_data().startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads it as UTF-8
    lines = csv.get_data().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("customer_id,") and lines[1].startswith("C-1,")
    assert lines[1].endswith(f",{provision}")
    bad = api.call("GET", "/v1/reports/aging?as_of=2026-02-30", "auditor")
    assert bad.status_code == 422 and "as_of" in bad.get_json()["error"]["fields"]
    assert api.call("GET", "/v1/reports/aging", "sales").status_code == 403


def test_the_daily_aging_snapshot_holds_the_shipped_provision_of_each_open_invoice(
        services: Services) -> None:
    as_of = DUE + timedelta(days=45)
    days_past_due = {"I-1": 45, "I-2": 145, "I-3": 5, "I-4": -20}
    customer(services)
    for invoice_id, days in days_past_due.items():
        invoice(services, invoice_id, "1000.00", as_of - timedelta(days=days))
    run_daily(services.uow(), services.rulesets, as_of)
    (snapshot,) = rows(services, AgingSnapshot)
    with services.uow() as uow:
        expected = sum((shipped_class(days).provision(uow.session.get(Invoice, i).outstanding)
                        for i, days in days_past_due.items()), Decimal("0.00"))
    assert snapshot.provision == expected > 0


def test_a_published_receivable_classes_version_changes_classes_and_provisions_without_code(
        services: Services, api: Api) -> None:
    overdue_book(services, 45)
    with services.uow() as uow:
        document = copy.deepcopy(dict(registry.get_version(uow.session,
                                                           "receivable_classes").document))
    for rule in document["rules"]:
        if rule["then"]["class"] == "doubtful":
            rule["when"] = "invoice.days_past_due > 60"
        if rule["then"]["class"] == "in_collection":
            rule["then"]["provision_percent"] = "7.5"
    with services.uow() as uow:
        registry.publish(uow.session, services.rulesets, document, author="rm",
                         approved_by="rm2", note="doubtful from day 61; 7.5% in collection")
        uow.commit()
    assert api.call("GET", "/v1/invoices/I-1", "auditor").get_json()["class"] == "in_collection"
    body = api.call("GET", "/v1/reports/aging?as_of=2026-04-15", "auditor").get_json()
    (totals,) = body["totals"]
    outstanding = Decimal(totals["classes"]["in_collection"]["amount"])
    assert outstanding > 0 and totals["classes"]["doubtful"]["amount"] == "0.00"
    assert Decimal(totals["provision"]) == (outstanding * Decimal("0.075")).quantize(
        Decimal("0.01"), rounding="ROUND_HALF_UP")
