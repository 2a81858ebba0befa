"""End to end, issue 12's "done when": one customer through collections on the test clock.

A dispute pauses penalty and is resolved with a credit note; a plan is kept, then broken
(escalation resumes, the next order is held); a logged call's promise is kept; a
statement is sent by email and read back; an alert is raised and closed; the KPIs match
the arithmetic written here. Real `policy-service daily` runs and HTTP, both databases.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from email.header import decode_header, make_header
from typing import Any

from tests.e2e.conftest import Server
from tests.e2e.test_receivables_day import Client
from tests.integration.receivables_book import shipped_terms
from tests.integration.test_outbox import Inbox, smtp  # noqa: F401  # the SMTP fixture
from tests.integration.test_statements import pdf_text

DUE = date(2026, 9, 1)  # every invoice of the story is issued 30 days before and due here
C = "C-STORY"


def _on(server: Server, days: int, daily: bool = False) -> date:
    """Move the test clock to DUE + ``days`` (and run the day there)."""
    day = DUE + timedelta(days=days)
    server.cli("clock", "set", day.isoformat())
    if daily:
        server.cli("daily")
    return day


def _daily(terms_amount: str, base: str) -> Decimal:
    return shipped_terms("B", terms_amount).daily(Decimal(base), "CNY")


def _steps(risk: Client, invoice_id: str) -> list[tuple[str, str]]:
    return sorted({(s["step"], s["on"]) for s in risk("GET", f"/v1/customers/{C}/dunning")
                   ["steps"] if s["invoice_id"] == invoice_id})


def _alert(risk: Client, rule: str) -> dict[str, Any]:
    (alert,) = [a for a in risk("GET", "/v1/alerts")["alerts"]
                if a["customer_id"] == C and a["rule"] == rule]
    return alert


def _pay(erp: Client, payment_id: str, invoice_id: str, amount: str | Decimal, on: date
         ) -> None:
    erp("POST", "/v1/payments", {"payment_id": payment_id, "invoice_id": invoice_id,
                                 "amount": str(amount), "currency": "CNY",
                                 "paid_at": on.isoformat()}, status=201)


def test_a_customer_through_dispute_plan_promise_statement_alert_and_kpis(
        server: Server, smtp: tuple[Inbox, int]) -> None:  # noqa: F811
    inbox, port = smtp
    _on(server, -30)
    erp, risk = Client(server, "order_system"), Client(server, "risk_manager")
    erp("PUT", f"/v1/customers/{C}", {"name": "故事贸易", "tier": "B",
                                       "credit_limit": "100000.00", "currency": "CNY",
                                       "email": "ap@story.test", "owner": "sales-story"},
        status=201)
    for invoice_id, amount in (("S-A", "1000.00"), ("S-B", "2000.00"), ("S-C", "500.00")):
        erp("POST", "/v1/invoices", {"invoice_id": invoice_id, "customer_id": C,
                                     "amount": amount, "currency": "CNY",
                                     "issue_date": (DUE - timedelta(days=30)).isoformat(),
                                     "due_date": DUE.isoformat()}, status=201)

    # A dispute of S-A in full: no penalty, no dunning while it is open.
    _on(server, 0)
    erp("POST", "/v1/invoices/S-A/disputes", {"dispute_id": "D-S", "reason": "damaged"},
        status=201)
    _on(server, 20, daily=True)
    grace = shipped_terms("B", "1000.00").grace_days
    assert erp("GET", "/v1/invoices/S-A")["penalty_accrued"] == "0.00"
    assert _steps(risk, "S-A") == []
    penalty_b = _daily("2000.00", "2000.00") * (20 - grace)
    assert Decimal(erp("GET", "/v1/invoices/S-B")["penalty_accrued"]) == penalty_b
    assert _alert(risk, "overdue_share_high")["opened_on"] == (DUE + timedelta(days=20)
                                                               ).isoformat()
    # ... resolved for the customer: a credit note of 400.00; penalty resumes on 600.00.
    risk("POST", "/v1/disputes/D-S/resolve", {"in_favour_of": "customer",
                                              "credit_note_amount": "400.00",
                                              "note": "two cartons damaged"})

    # A plan over S-B: 1000.00 in five days, the rest twenty days later.
    owed_b = Decimal("2000.00") + penalty_b
    agreed = risk("POST", f"/v1/customers/{C}/payment-plans", {
        "plan_id": "PL-S", "invoice_ids": ["S-B"],
        "instalments": [{"due_date": (DUE + timedelta(days=25)).isoformat(), "amount": "1000.00"},
                        {"due_date": (DUE + timedelta(days=40)).isoformat(),
                         "amount": str(owed_b - Decimal("1000.00"))}]}, status=201)
    assert agreed["status"] == "active"
    _pay(erp, "PS-1", "S-B", "1000.00", _on(server, 25))
    _on(server, 29, daily=True)
    assert Decimal(erp("GET", "/v1/invoices/S-A")["penalty_accrued"]) == _daily(
        "600.00", "600.00") * 10  # from the resolution day (DUE + 20) on the credited 600
    assert Decimal(erp("GET", "/v1/invoices/S-B")["penalty_accrued"]) == penalty_b  # kept
    plan = risk("GET", "/v1/payment-plans/PL-S")
    assert [i["status"] for i in plan["instalments"]] == ["paid", "due"]

    # A call: S-C promised in full in five days, and paid then.
    _on(server, 30)
    penalty_c = _daily("500.00", "500.00") * (29 - grace)
    owed_c = Decimal("500.00") + penalty_c
    assert Decimal(erp("GET", "/v1/invoices/S-C")["outstanding"]) == owed_c
    logged = risk("POST", f"/v1/customers/{C}/contacts", {
        "channel": "phone", "outcome": "promised to pay", "note": "pays S-C next week",
        "promise": {"due_date": (DUE + timedelta(days=35)).isoformat(), "amount": str(owed_c),
                    "invoice_ids": ["S-C"]}}, status=201)
    promise = logged["plan_id"]
    _pay(erp, "PS-2", "S-C", owed_c, _on(server, 35))
    assert erp("GET", "/v1/invoices/S-C")["status"] == "paid"

    # The second instalment: 3 days' tolerance keep the plan (no step for S-B's age), the
    # fourth day breaks it: escalation resumes at once, penalty too, the next order is held.
    _on(server, 43, daily=True)
    assert risk("GET", f"/v1/payment-plans/{promise}")["status"] == "completed"
    assert risk("GET", "/v1/payment-plans/PL-S")["status"] == "active"
    assert "formal_demand_letter" not in {step for step, _on_day in _steps(risk, "S-B")}
    broke = _on(server, 44, daily=True)
    plan = risk("GET", "/v1/payment-plans/PL-S")
    assert (plan["status"], plan["ended_on"]) == ("broken", broke.isoformat())
    assert ("formal_demand_letter", broke.isoformat()) in _steps(risk, "S-B")
    assert not [d for _s, d in _steps(risk, "S-B")
                if (DUE + timedelta(days=20)).isoformat() < d < broke.isoformat()]
    assert Decimal(erp("GET", "/v1/invoices/S-B")["penalty_accrued"]) == penalty_b + _daily(
        "2000.00", "1000.00")  # the breaking day, on the 1000.00 still unpaid
    held = erp("POST", "/v1/credit-checks", {"order_id": "SO-S1", "customer_id": C,
                                             "amount": "100.00", "currency": "CNY"})
    assert held["outcome"] == "hold"
    assert "BROKEN_PAYMENT_PLAN" in [r["code"] for r in held["reasons"]]
    broken_alert = _alert(risk, "broken_plan")
    assert (broken_alert["level"], broken_alert["status"], broken_alert["opened_on"]) == (
        "critical", "open", broke.isoformat())

    # The statement up to the break, sent by email and read back.
    start = DUE - timedelta(days=30)
    body = risk("GET", f"/v1/customers/{C}/statement?from={start}&to={broke}")
    lines = {(line["type"], line["ref"].split("/")[0]): line for line in body["lines"]}
    assert lines[("invoice", "S-A")]["debit"] == "1000.00"
    (note,) = [line for line in body["lines"] if line["type"] == "credit_note"]
    assert (note["date"], note["credit"]) == ((DUE + timedelta(days=20)).isoformat(), "400.00")
    debits = sum(Decimal(line["debit"]) for line in body["lines"])
    credits = sum(Decimal(line["credit"]) for line in body["lines"])
    assert (body["opening_balance"], Decimal(body["closing_balance"])) == (
        "0.00", debits - credits)
    credit = erp("GET", f"/v1/customers/{C}/credit")
    assert body["closing_balance"] == credit["exposure"]["open_receivables"]
    risk("POST", f"/v1/customers/{C}/statement/send",
         {"from": start.isoformat(), "to": broke.isoformat()}, status=202)
    mailer = Server(server.base_url, {**server.env, "POLICY_SMTP_HOST": "127.0.0.1",
                                      "POLICY_SMTP_PORT": str(port)})
    assert mailer.cli("outbox", "send", "--retries", "0").startswith("sent ")
    (mail,) = [m for m in inbox.messages
               if "Statement" in str(make_header(decode_header(m["Subject"])))]
    assert mail["To"] == "ap@story.test"
    (attachment,) = [p for p in mail.walk() if p.get_content_type() == "application/pdf"]
    text = pdf_text(attachment.get_payload(decode=True))
    assert "贷项通知单 / credit note" in text and "1,000.00 CNY" in text
    assert f"{Decimal(body['closing_balance']):,.2f} CNY" in text

    # Paid off: the overdue alert closes on the next run; the broken plan still holds orders.
    settled = _on(server, 50, daily=True)
    for n, invoice_id in enumerate(("S-A", "S-B")):
        principal = {"S-A": "600.00", "S-B": "1000.00"}[invoice_id]
        _pay(erp, f"PS-P{n}", invoice_id, principal, settled)
        _pay(erp, f"PS-Q{n}", invoice_id, erp("GET", f"/v1/invoices/{invoice_id}")["outstanding"],
             settled)
    closed_on = _on(server, 51, daily=True)
    overdue_alert = _alert(risk, "overdue_share_high")
    assert (overdue_alert["status"], overdue_alert["closed_on"]) == ("closed",
                                                                     closed_on.isoformat())
    assert _alert(risk, "broken_plan")["status"] == "open"
    again = erp("POST", "/v1/credit-checks", {"order_id": "SO-S2", "customer_id": C,
                                              "amount": "100.00", "currency": "CNY"})
    assert (again["outcome"], [r["code"] for r in again["reasons"]]) == (
        "hold", ["BROKEN_PAYMENT_PLAN"])

    # KPIs as of the break, over 75 days (from before the invoices were issued), by hand:
    # open principal then S-A 1000 − 400 + S-B 2000 − 1000 = 1600, all overdue; net credit
    # sales 3500 − 400 = 3100; payments in the period PS-1 (1000 principal, 25 days late)
    # and PS-2 (500 principal + S-C's penalty, 35 days late).
    kpis = risk("GET", f"/v1/reports/kpis?as_of={broke}&period_days=75")
    expected = {
        "receivables": "1600.00", "credit_sales": "3100.00",
        "dso": str((Decimal(1600) / Decimal(3100) * 75).quantize(Decimal("0.01"))),  # 38.71
        "cei": str((Decimal(3100 - 1600) / Decimal(3100) * 100).quantize(Decimal("0.01"))),
        "overdue_ratio": "1.0000",
        "avg_days_late": str((Decimal(1000 * 25 + 500 * 35) / 1500).quantize(Decimal("0.01"))),
        "collected": str(Decimal("1500.00") + penalty_c), "written_off": "0.00"}
    assert (expected["dso"], expected["cei"], expected["avg_days_late"]) == (
        "38.71", "48.39", "28.33")
    assert {k: kpis["by_owner"]["sales-story"]["CNY"][k] for k in expected} == expected
    assert {k: kpis["overall"]["CNY"][k] for k in expected} == expected
