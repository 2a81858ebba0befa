"""End to end: invoices, payments and several `daily` runs through the CLI and HTTP."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import requests

from tests.e2e.conftest import CLI, Server
from tests.integration.receivables_book import shipped_step_day, shipped_terms

DUE = date.today() - timedelta(days=100)  # the review (today + interval) sees it


class Client:
    """requests with one role's key against the server."""

    def __init__(self, server: Server, role: str) -> None:
        self.base = server.base_url
        self.headers = server.key(role)

    def __call__(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        response = requests.request(method, f"{self.base}{path}", headers=self.headers,
                                    json=body, timeout=30)
        assert response.status_code == status, response.text
        return response.json()


def test_penalties_dunning_stop_supply_and_a_review_across_several_days(server: Server) -> None:
    erp, risk = Client(server, "order_system"), Client(server, "risk_manager")
    customer = erp("PUT", "/v1/customers/C-E2E", {
        "name": "E2E 贸易", "tier": "B", "credit_limit": "50000.00", "currency": "CNY",
        "email": "ap@e2e.test", "owner": "sales-e2e"}, status=201)
    for invoice_id, amount in (("E-1", "1000.00"), ("E-2", "300.00")):
        erp("POST", "/v1/invoices", {"invoice_id": invoice_id, "customer_id": "C-E2E",
                                     "amount": amount, "currency": "CNY",
                                     "issue_date": (DUE - timedelta(days=30)).isoformat(),
                                     "due_date": DUE.isoformat()},
            status=201)

    server.cli("daily", "--as-of", (DUE + timedelta(days=40)).isoformat())
    terms = shipped_terms("B", "1000.00")
    expected = terms.daily(Decimal("1000.00"), "CNY") * (40 - terms.grace_days)
    assert Decimal(erp("GET", "/v1/invoices/E-1")["penalty_accrued"]) == expected
    steps = risk("GET", "/v1/customers/C-E2E/dunning")["steps"]
    # first seen 40 days late: the customer gets the demand letter (letter and email) and
    # the account owner the phone task, for each invoice
    assert sorted((s["invoice_id"], s["step"], s["channel"]) for s in steps
                  if s["message_sent"]) == [
        (i, step, channel) for i in ("E-1", "E-2") for step, channel in (
            ("formal_demand_letter", "email"), ("formal_demand_letter", "letter"),
            ("phone_follow_up", "task"))]

    stop_day = DUE + timedelta(days=shipped_step_day("stop_supply"))
    server.cli("daily", "--as-of", stop_day.isoformat())
    server.cli("daily", "--as-of", stop_day.isoformat())
    assert erp("GET", "/v1/customers/C-E2E/credit")["status"] == "stop_supply"
    assert erp("POST", "/v1/credit-checks", {"order_id": "SO-E2E", "customer_id": "C-E2E",
                                             "amount": "10.00", "currency": "CNY"}
               )["outcome"] == "declined"

    for n, (invoice_id, amount) in enumerate((("E-1", "1000.00"), ("E-2", "300.00"))):
        # Value-dated the stop day: that day's penalty is not owed (principal paid that day)
        # and is reversed, so what is paid is the outstanding less one day's penalty.
        outstanding = Decimal(erp("GET", f"/v1/invoices/{invoice_id}")["outstanding"])
        owed = outstanding - shipped_terms("B", amount).daily(Decimal(amount), "CNY")
        erp("POST", "/v1/payments", {"payment_id": f"PE-{n}", "invoice_id": invoice_id,
                                     "amount": str(owed), "currency": "CNY",
                                     "paid_at": stop_day.isoformat()}, status=201)
        paid = erp("GET", f"/v1/invoices/{invoice_id}")
        assert (paid["outstanding"], paid["status"]) == ("0.00", "paid")
    assert erp("GET", "/v1/customers/C-E2E/credit")["status"] == "active"

    sent = server.cli("outbox", "send", "--retries", "0")
    assert sent.startswith("sent ") and not sent.startswith("sent 0")

    review_day = customer["next_review_date"]
    assert "after today" in server.cli_fails("daily", "--as-of", review_day)
    server.cli("clock", "set", review_day)  # the test clock: every process moves with it
    assert erp("GET", "/v1/clock") == {"today": review_day, "test_clock": True}
    server.cli("daily")  # the business date by default
    (review,) = risk("GET", "/v1/customers/C-E2E/reviews")["reviews"]
    assert review["status"] == "pending"
    assert review["indicators"]["max_days_late"] == shipped_step_day("stop_supply")
    decided = risk("POST", f"/v1/customers/C-E2E/reviews/{review['review_id']}/approve",
                   {"note": "agreed"})
    assert decided["status"] in ("applied", "approved")
    risk("POST", f"/v1/customers/C-E2E/reviews/{review['review_id']}/reject",
         {"note": "late"}, status=409)
    credit = erp("GET", "/v1/customers/C-E2E/credit")
    assert (credit["tier"], credit["credit_limit"]) == (
        review["proposal"]["tier"], review["proposal"]["credit_limit"])
    bad = subprocess.run([CLI, "daily", "--as-of", "2026-02-30"], env=server.env,
                         capture_output=True, text=True, timeout=120, check=False)
    assert bad.returncode != 0 and "not a date" in bad.stderr
