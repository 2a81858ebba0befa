"""Issue 9's "done when": a small book driven through four months on the test clock.

Only what people and systems use: `policy-service clock set`, the real `daily` CLI, the
HTTP API, `outbox send`, and the admin's blacklist form. Every figure is checked against
arithmetic written here. The shipped terms (policy.md): 0.05% a day of the unpaid
principal from the day after the tier's grace days (A 5, B 3, C 0), capped at 15% of the
invoice (never reached here); dunning at -7, -3, 0, +1, +7, +30 (letter), +60 (stop
supply), +90 (legal) days from due.

The book (all invoices due 2027-01-31 unless said otherwise):
- C-CNY (B): A-1 20,000.00, paid in full value-dated 02-15 but recorded 02-21.
- C-JPY (C, JPY, limit 1,234,567): J-1 301,000 yen (151 yen a day: 150.5 half-up), paid
  value-dated 03-01, recorded 03-03; its review falls due 04-01 and waits.
- C-WO (B): W-1 40,000.00, never paid: stop supply, legal case, written off, recovery.
- C-LATE (A): L-1..L-3 1,000.00 each paid 31 days late (a blacklist candidate, dismissed);
  L-4 (due 03-31) paid 31 days late too: flagged again.
Holidays: no run from 02-11 to 02-20 and from 04-02 to 04-30.
"""

from __future__ import annotations

import re
import subprocess
from decimal import Decimal

import requests

from tests.e2e.conftest import CLI, Server
from tests.e2e.test_receivables_day import Client
from tests.integration.receivables_book import shipped_step_day, shipped_terms

PASSWORD = "story-pass-123"
FIRST_RUN = {  # every step due at +10 days (first seen then), and the two that are sent
    "recorded": {("reminder_7_days_before", "email"), ("reminder_3_days_before", "sms"),
                 ("due_today", "email"), ("due_today", "sms"), ("overdue_notice", "email"),
                 ("phone_follow_up", "task")},
    "sent": {("overdue_notice", "email"), ("phone_follow_up", "task")}}


def _day(server: Server, day: str, run: bool = True) -> None:
    server.cli("clock", "set", day)
    if run:
        server.cli("daily")


def _steps(risk: Client, customer_id: str, invoice_id: str, on: str | None = None
           ) -> dict[str, set[tuple[str, str]]]:
    steps = [s for s in risk("GET", f"/v1/customers/{customer_id}/dunning")["steps"]
             if s["invoice_id"] == invoice_id and (on is None or s["on"] == on)]
    assert all(s["ruleset_version"] == 1 for s in steps)
    return {"recorded": {(s["rule"], s["channel"]) for s in steps},
            "sent": {(s["step"], s["channel"]) for s in steps if s["message_sent"]}}


def _admin_session(server: Server, username: str) -> requests.Session:
    server.cli("users", "create", username, "--role", "risk_manager", stdin=PASSWORD + "\n")
    session = requests.Session()
    page = session.get(f"{server.base_url}/admin/auth/login", timeout=10).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token
    response = session.post(f"{server.base_url}/admin/auth/login", timeout=10, data={
        "username": username, "password": PASSWORD, "csrf_token": token.group(1)},
        allow_redirects=False)
    assert response.status_code == 302, response.text[:300]
    return session


def _dismiss_in_the_admin(server: Server, session: requests.Session, candidate_id: int) -> None:
    page = session.get(f"{server.base_url}/admin/blacklist/", timeout=10).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token and f"/admin/blacklist/{candidate_id}/decide" in page
    response = session.post(f"{server.base_url}/admin/blacklist/{candidate_id}/decide",
                            data={"action": "dismiss", "note": "paid in the end",
                                  "csrf_token": token.group(1)}, timeout=10)
    assert response.status_code == 200 and "dismissed" in response.text


def _outbox(server: Server) -> str:
    done = subprocess.run([CLI, "--log-level", "INFO", "outbox", "send", "--retries", "0"],
                          env=server.env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def test_four_months_of_a_small_book_match_hand_arithmetic(server: Server) -> None:
    # The terms this story's arithmetic assumes are the shipped ones.
    for tier, grace in (("A", 5), ("B", 3), ("C", 0)):
        terms = shipped_terms(tier, "1000.00")
        assert (terms.grace_days, terms.daily(Decimal("1000.00"), "CNY")) == (
            grace, Decimal("0.50"))
    assert shipped_terms("C", "301000").daily(Decimal("301000"), "JPY") == Decimal("151")
    assert [shipped_step_day(s) for s in ("formal_demand_letter", "stop_supply",
                                          "legal_action")] == [30, 60, 90]
    _day(server, "2027-01-01", run=False)
    erp, risk = Client(server, "order_system"), Client(server, "risk_manager")
    for customer_id, tier, limit, currency in (
            ("C-CNY", "B", "100000.00", "CNY"), ("C-JPY", "C", "1234567", "JPY"),
            ("C-WO", "B", "100000.00", "CNY"), ("C-LATE", "A", "100000.00", "CNY")):
        erp("PUT", f"/v1/customers/{customer_id}", {
            "name": f"{customer_id} 有限公司", "tier": tier, "credit_limit": limit,
            "currency": currency, "email": f"ap@{customer_id.lower()}.test"}, status=201)
    for invoice_id, customer_id, amount, currency, issued, due in (
            ("A-1", "C-CNY", "20000.00", "CNY", "2027-01-01", "2027-01-31"),
            ("J-1", "C-JPY", "301000", "JPY", "2027-01-01", "2027-01-31"),
            ("W-1", "C-WO", "40000.00", "CNY", "2027-01-01", "2027-01-31"),
            ("L-1", "C-LATE", "1000.00", "CNY", "2027-01-01", "2027-01-31"),
            ("L-2", "C-LATE", "1000.00", "CNY", "2027-01-01", "2027-01-31"),
            ("L-3", "C-LATE", "1000.00", "CNY", "2027-01-01", "2027-01-31"),
            ("L-4", "C-LATE", "1000.00", "CNY", "2027-03-01", "2027-03-31")):
        erp("POST", "/v1/invoices", {"invoice_id": invoice_id, "customer_id": customer_id,
                                     "amount": amount, "currency": currency,
                                     "issue_date": issued, "due_date": due}, status=201)
    # tier C reviews every 3 months
    assert erp("GET", "/v1/customers/C-JPY/credit")["next_review_date"] == "2027-04-01"

    def penalty(invoice_id: str) -> Decimal:
        return Decimal(erp("GET", f"/v1/invoices/{invoice_id}")["penalty_accrued"])

    # 02-10, the first run, 10 days past due: the penalty since the grace days ended.
    _day(server, "2027-02-10")
    assert penalty("A-1") == 7 * Decimal("10.00")    # B: days 4-10 on 20,000.00
    assert penalty("W-1") == 7 * Decimal("20.00")    # B: on 40,000.00
    assert penalty("J-1") == 10 * 151                # C: days 1-10, whole yen
    assert penalty("L-1") == 5 * Decimal("0.50")     # A: days 6-10 on 1,000.00
    for customer_id, invoice_id in (("C-CNY", "A-1"), ("C-JPY", "J-1"), ("C-WO", "W-1"),
                                    ("C-LATE", "L-1")):
        assert _steps(risk, customer_id, invoice_id) == FIRST_RUN, invoice_id
    # The +1 notice states each customer's own terms; JPY has no decimals.
    sent = _outbox(server)
    assert ("From day 4 after the due date, late interest of 0.05% a day accrues on the "
            "unpaid principal, up to 15% of the invoice amount") in sent
    assert ("J-1 is 10 days overdue; 302,510 JPY is unpaid. From day 1 after the due date"
            in sent)  # 301,000 + 10 x 151 yen
    assert "From day 6 after the due date" in sent  # tier A
    assert not re.search(r"\d\.\d\d JPY", sent)
    invoices = ("A-1", "J-1", "L-1", "L-2", "L-3", "W-1")
    # one notice and one task per invoice, and early warning's alert for each customer
    # (everything it owes is overdue)
    assert sorted(re.findall(r"adapters: (?:email|task) to \S+ (.+)", sent)) == sorted(
        [f"overdue_notice {i}" for i in invoices] + [f"phone_follow_up {i}" for i in invoices]
        + [f"critical OVERDUE_SHARE_HIGH {c}" for c in ("C-CNY", "C-JPY", "C-LATE", "C-WO")])

    # A holiday: no run from 02-11 to 02-20; 02-21 catches the 11 days up.
    _day(server, "2027-02-21")
    assert penalty("A-1") == 18 * Decimal("10.00")
    assert penalty("J-1") == 21 * 151
    assert _steps(risk, "C-CNY", "A-1", on="2027-02-21")["recorded"] == set()
    # A-1 paid in full value-dated 02-15, recorded today: the 7 days from 02-15 are not owed
    # (corrected, 70.00), the 11 days 02-04..02-14 are: 20,000.00 + 110.00.
    erp("POST", "/v1/payments", {"payment_id": "PA-1", "invoice_id": "A-1",
                                 "amount": "20110.00", "currency": "CNY",
                                 "paid_at": "2027-02-15"}, status=201)
    paid = erp("GET", "/v1/invoices/A-1")
    assert (paid["status"], paid["penalty_accrued"], paid["outstanding"]) == (
        "paid", "110.00", "0.00")

    # 03-03: 31 days past due, the formal demand letter (letter and email) for what is open.
    _day(server, "2027-03-03")
    assert penalty("W-1") == 28 * Decimal("20.00")
    assert penalty("J-1") == 31 * 151
    assert penalty("L-1") == 26 * Decimal("0.50")
    for customer_id, invoice_id in (("C-WO", "W-1"), ("C-JPY", "J-1"), ("C-LATE", "L-3")):
        assert _steps(risk, customer_id, invoice_id, on="2027-03-03") == {
            "recorded": {("formal_demand_letter", "letter"), ("formal_demand_letter", "email")},
            "sent": {("formal_demand_letter", "letter"), ("formal_demand_letter", "email")}}
    assert _steps(risk, "C-CNY", "A-1", on="2027-03-03")["recorded"] == set()  # paid
    # J-1 value-dated 03-01: 3 days (453 yen) corrected; 28 days x 151 = 4,228 yen owed.
    erp("POST", "/v1/payments", {"payment_id": "PJ-1", "invoice_id": "J-1",
                                 "amount": str(301000 + 28 * 151), "currency": "JPY",
                                 "paid_at": "2027-03-01"}, status=201)
    yen = erp("GET", "/v1/invoices/J-1")
    assert (yen["status"], Decimal(yen["penalty_accrued"]), Decimal(yen["outstanding"])) == (
        "paid", Decimal(4228), 0)
    for n in (1, 2, 3):  # 31 days late, today's penalty (0.50) not owed: 25 x 0.50
        erp("POST", "/v1/payments", {"payment_id": f"PL-{n}", "invoice_id": f"L-{n}",
                                     "amount": "1012.50", "currency": "CNY",
                                     "paid_at": "2027-03-03"}, status=201)
        assert erp("GET", f"/v1/invoices/L-{n}")["status"] == "paid"

    # 04-01: W-1 60 days past due: stop supply. The JPY review is proposed and waits. L-4
    # first seen at +1.
    _day(server, "2027-04-01")
    assert penalty("W-1") == 57 * Decimal("20.00")  # 02-04..04-01
    assert _steps(risk, "C-WO", "W-1", on="2027-04-01") == {
        "recorded": {("stop_supply", "email")}, "sent": {("stop_supply", "email")}}
    assert erp("GET", "/v1/customers/C-WO/credit")["status"] == "stop_supply"
    assert _steps(risk, "C-LATE", "L-4") == {
        "recorded": {("reminder_7_days_before", "email"), ("reminder_3_days_before", "sms"),
                     ("due_today", "email"), ("due_today", "sms"), ("overdue_notice", "email")},
        "sent": {("overdue_notice", "email")}}
    assert penalty("L-4") == 0  # within tier A's 5 grace days
    (candidate,) = risk("GET", "/v1/blacklist-candidates")["blacklist_candidates"]
    # flagged by the 03-03 run: three invoices 31 days late (unpaid then: days past due)
    assert (candidate["customer_id"], candidate["flagged_on"], candidate["late_invoices"],
            candidate["status"]) == ("C-LATE", "2027-03-03", 3, "open")
    (review,) = risk("GET", "/v1/customers/C-JPY/reviews")["reviews"]
    assert (review["status"], review["review_date"]) == ("pending", "2027-04-01")
    # Paid 28 days late, nothing on time: cut 30% and one tier down. 1,234,567 x 0.7 =
    # 864,196.9, whole yen 864,197.
    assert (review["proposal"]["action"], review["proposal"]["tier"],
            Decimal(review["proposal"]["credit_limit"])) == ("cut", "D", Decimal(864197))
    assert erp("GET", "/v1/customers/C-JPY/credit")["next_review_date"] == "2027-04-01"

    # 04-10 (no run): the review is past its date and undecided: orders are held.
    _day(server, "2027-04-10", run=False)
    held = erp("POST", "/v1/credit-checks", {"order_id": "SO-J1", "customer_id": "C-JPY",
                                             "amount": "1000", "currency": "JPY"})
    assert (held["outcome"], [r["code"] for r in held["reasons"]]) == (
        "hold", ["CREDIT_REVIEW_OVERDUE"])
    risk("POST", f"/v1/customers/C-JPY/reviews/{review['review_id']}/approve", {"note": "ok"})
    after = erp("GET", "/v1/customers/C-JPY/credit")
    # the next review: the review date + tier D's 3 months
    assert (after["tier"], Decimal(after["credit_limit"]), after["next_review_date"]) == (
        "D", Decimal(864197), "2027-07-01")
    prepaid = erp("POST", "/v1/credit-checks", {"order_id": "SO-J2", "customer_id": "C-JPY",
                                                "amount": "1000", "currency": "JPY"})
    assert (prepaid["outcome"], [r["code"] for r in prepaid["reasons"]]) == (
        "approved_with_conditions", ["PREPAYMENT_REQUIRED"])
    assert "full prepayment of 1,000 JPY required" in prepaid["reasons"][0]["message"]["en"]
    admin = _admin_session(server, "risk-story")
    _dismiss_in_the_admin(server, admin, candidate["candidate_id"])

    # A second holiday; 05-01 catches up 30 days. W-1 90 days past due: the legal case.
    # L-4 31 days past due, first run since +1: the letter (and its email) to the customer
    # and the phone task, each the most advanced of its kind.
    _day(server, "2027-05-01")
    assert penalty("W-1") == 87 * Decimal("20.00")  # 02-04..05-01
    assert _steps(risk, "C-WO", "W-1", on="2027-05-01") == {
        "recorded": {("legal_action", "task")}, "sent": {("legal_action", "task")}}
    assert _steps(risk, "C-LATE", "L-4", on="2027-05-01") == {
        "recorded": {("phone_follow_up", "task"), ("formal_demand_letter", "letter"),
                     ("formal_demand_letter", "email")},
        "sent": {("phone_follow_up", "task"), ("formal_demand_letter", "letter"),
                 ("formal_demand_letter", "email")}}
    assert penalty("L-4") == 26 * Decimal("0.50")  # 04-06..05-01
    (case,) = risk("GET", "/v1/legal-cases?status=open")["legal_cases"]
    assert (case["customer_id"], case["invoice_id"], case["opened_on"]) == (
        "C-WO", "W-1", "2027-05-01")
    erp("POST", "/v1/payments", {"payment_id": "PL-4", "invoice_id": "L-4",
                                 "amount": "1012.50", "currency": "CNY",
                                 "paid_at": "2027-05-01"}, status=201)

    # New evidence (L-4, 31 days late on 05-01) brought the dismissed customer back.
    candidates = risk("GET", "/v1/blacklist-candidates")["blacklist_candidates"]
    assert sorted((c["status"], c["flagged_on"], c["late_invoices"]) for c in candidates) == [
        ("dismissed", "2027-03-03", 3), ("open", "2027-05-01", 4)]

    _day(server, "2027-05-03")
    # W-1 written off: 40,000.00 + 89 days x 20.00 = 41,780.00 becomes bad debt; supply
    # stays stopped.
    assert penalty("W-1") == 89 * Decimal("20.00")
    risk("POST", "/v1/invoices/W-1/write-off", {"note": "insolvent"})
    written = erp("GET", "/v1/invoices/W-1")
    assert (written["status"], written["outstanding"]) == ("written_off", "41780.00")
    assert erp("GET", "/v1/customers/C-WO/credit")["status"] == "stop_supply"

    # 05-10: a recovery of 5,000.00 on the written-off invoice (201): bad debt 36,780.00.
    _day(server, "2027-05-10", run=False)
    erp("POST", "/v1/payments", {"payment_id": "PW-1", "invoice_id": "W-1",
                                 "amount": "5000.00", "currency": "CNY",
                                 "paid_at": "2027-05-10"}, status=201)
    server.cli("daily")
    written = erp("GET", "/v1/invoices/W-1")
    assert (written["status"], written["outstanding"]) == ("written_off", "36780.00")
    assert erp("GET", "/v1/customers/C-WO/credit")["status"] == "stop_supply"  # until lifted
    (cny,) = risk("GET", "/v1/reports/aging")["totals"]
    assert cny["currency"] == "CNY" and set(cny["buckets"].values()) == {"0.00"}
    assert cny["classes"]["write_off"] == {"amount": "36780.00", "provision": "36780.00"}
    # What was known on 03-31: W-1 open, 59 days past due, 56 days of penalty.
    then = erp("GET", "/v1/customers/C-WO/credit?as_of=2027-03-31")["aging"]
    assert then["31-60"] == str(Decimal("40000.00") + 56 * Decimal("20.00"))
    declined = erp("POST", "/v1/credit-checks", {"order_id": "SO-W1", "customer_id": "C-WO",
                                                 "amount": "10.00", "currency": "CNY"})
    assert (declined["outcome"], [r["code"] for r in declined["reasons"]]) == (
        "declined", ["STOP_SUPPLY", "WRITTEN_OFF_365D"])
    risk("POST", "/v1/customers/C-WO/lift-stop-supply", {"note": "agreed with legal"})
    risk("POST", "/v1/customers/C-WO/lift-stop-supply", {"note": "again"}, status=409)
    declined = erp("POST", "/v1/credit-checks", {"order_id": "SO-W2", "customer_id": "C-WO",
                                                 "amount": "10.00", "currency": "CNY"})
    assert (declined["outcome"], [r["code"] for r in declined["reasons"]]) == (
        "declined", ["WRITTEN_OFF_365D"])
    assert "41,780.00 CNY written off" in declined["reasons"][0]["message"]["en"]
    closed = risk("POST", f"/v1/legal-cases/{case['case_id']}/close",
                  {"outcome": "settled", "note": "5,000.00 recovered"})
    assert (closed["status"], closed["outcome"], closed["closed_on"]) == (
        "closed", "settled", "2027-05-10")
    risk("POST", f"/v1/legal-cases/{case['case_id']}/close",
         {"outcome": "settled", "note": "twice"}, status=409)
