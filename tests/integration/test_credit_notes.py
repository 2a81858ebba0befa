"""Credit notes as records of their own: the invoice keeps its amount, the statement shows a
credit line, outstanding, penalty and aging as of a date follow; SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

from policy_service.container import Services
from policy_service.db.models import Invoice
from policy_service.db.models_collections import CreditNote
from policy_service.db.models_receivables import PenaltyAccrual
from policy_service.services.day.run import run_daily
from policy_service.services.receivables.queries import overdue_principal
from tests.conftest import Api
from tests.integration.receivables_book import rows
from tests.integration.test_statements import pdf_text

DUE = date(2026, 3, 1)
OPENED = DUE + timedelta(days=5)
RESOLVED = DUE + timedelta(days=10)
LATER = DUE + timedelta(days=20)


class Day:
    """The business date the API sees, moved by the test."""

    def __init__(self, services: Services, today: date) -> None:
        self.today = today
        services.today = lambda: self.today


def _ok(response: object) -> dict:
    assert response.status_code in (200, 201), response.get_json()  # type: ignore[attr-defined]
    return response.get_json()  # type: ignore[attr-defined,no-any-return]


def _invoice(api: Api, invoice_id: str, amount: str, due: date) -> None:
    _ok(api.call("POST", "/v1/invoices", json={
        "invoice_id": invoice_id, "customer_id": "C-1", "amount": amount, "currency": "CNY",
        "issue_date": (due - timedelta(days=30)).isoformat(), "due_date": due.isoformat()}))


def _credit(api: Api, day: Day, opened: date, resolved: date, amount: str = "400.00") -> None:
    """Dispute INV-1 for ``amount`` on ``opened``; resolve it for the customer on ``resolved``."""
    day.today = opened
    _ok(api.call("POST", "/v1/invoices/INV-1/disputes", json={
        "dispute_id": "D-1", "amount": amount, "reason": "short shipped"}))
    day.today = resolved
    _ok(api.call("POST", "/v1/disputes/D-1/resolve", role="risk_manager", json={
        "in_favour_of": "customer", "note": "40 cartons never arrived"}))


def _book(api: Api, services: Services) -> Day:
    """INV-1 1000.00 and INV-2 500.00, both due DUE; D-1 credits 400.00 on RESOLVED; the
    day's run brings penalty up to LATER."""
    day = Day(services, DUE - timedelta(days=30))
    api.customer(tier="B", owner="sales-key")
    _invoice(api, "INV-1", "1000.00", DUE)
    _invoice(api, "INV-2", "500.00", DUE)
    _credit(api, day, OPENED, RESOLVED)
    day.today = LATER
    run_daily(services.uow(), services.rulesets, LATER)
    return day


def _statement(api: Api, start: date, end: date, accept: str | None = None) -> object:
    headers = {**api.keys["risk_manager"], **({"Accept": accept} if accept else {})}
    response = api.client.get(f"/v1/customers/C-1/statement?from={start}&to={end}",
                              headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def _adds_up(body: dict, api: Api) -> None:
    """opening + debits − credits = closing = the customer's open receivables (as of today)."""
    debits = sum((Decimal(line["debit"]) for line in body["lines"]), Decimal(0))
    credits = sum((Decimal(line["credit"]) for line in body["lines"]), Decimal(0))
    assert Decimal(body["opening_balance"]) + debits - credits == Decimal(body["closing_balance"])
    credit = _ok(api.call("GET", "/v1/customers/C-1/credit"))
    assert body["closing_balance"] == credit["exposure"]["open_receivables"]


def test_a_credit_note_is_its_own_record_and_the_invoice_keeps_its_amount(
        api: Api, services: Services) -> None:
    _book(api, services)
    (note,) = rows(services, CreditNote)
    assert (note.invoice_id, note.dispute_id, note.amount, note.issued_on, note.reason) == (
        "INV-1", "D-1", Decimal("400.00"), RESOLVED, "40 cartons never arrived")
    assert note.issued_by and note.currency == "CNY"
    (stored,) = rows(services, Invoice, id="INV-1")
    assert (stored.amount, stored.credited) == (Decimal("1000.00"), Decimal("400.00"))
    invoice = _ok(api.call("GET", "/v1/invoices/INV-1"))
    penalty = Decimal(invoice["penalty_accrued"])
    assert (invoice["amount"], invoice["credited"]) == ("600.00", "400.00")
    assert Decimal(invoice["outstanding"]) == Decimal("600.00") + penalty


def test_penalty_after_the_credit_note_is_on_the_credited_principal(
        api: Api, services: Services) -> None:
    _book(api, services)
    bases = {a.day: a.base for a in rows(services, PenaltyAccrual, invoice_id="INV-1")}
    after = {day: base for day, base in bases.items() if day >= RESOLVED}
    assert after and set(after.values()) == {Decimal("600.00")}
    before = {base for day, base in bases.items() if day < OPENED}
    assert before <= {Decimal("1000.00")}


def test_a_credit_note_in_the_period_is_a_credit_line_and_the_statement_adds_up(
        api: Api, services: Services) -> None:
    _book(api, services)
    start = DUE - timedelta(days=40)
    body = _statement(api, start, LATER).get_json()  # type: ignore[attr-defined]
    invoice_line = next(line for line in body["lines"] if line["ref"] == "INV-1")
    assert (invoice_line["type"], invoice_line["debit"]) == ("invoice", "1000.00")
    (note,) = [line for line in body["lines"] if line["type"] == "credit_note"]
    assert (note["date"], note["debit"], note["credit"]) == (
        RESOLVED.isoformat(), "0.00", "400.00")
    assert note["description"]["en"] == "credit note on invoice INV-1 (dispute D-1)"
    assert "贷项通知单" in note["description"]["zh"]
    _adds_up(body, api)
    table = list(csv.reader(io.StringIO(_statement(
        api, start, LATER, "text/csv").get_data(as_text=True))))  # type: ignore[attr-defined]
    assert [RESOLVED.isoformat(), "credit_note", note["ref"]] == table[
        1 + body["lines"].index(note)][:3]
    text = pdf_text(_statement(api, start, LATER, "application/pdf"
                               ).get_data())  # type: ignore[attr-defined]
    assert "贷项通知单 / credit note" in text and "400.00 CNY" in text and note["ref"] in text


def test_a_credit_note_before_the_period_is_in_the_opening_balance(
        api: Api, services: Services) -> None:
    _book(api, services)
    start = RESOLVED + timedelta(days=1)
    body = _statement(api, start, LATER).get_json()  # type: ignore[attr-defined]
    assert not [line for line in body["lines"] if line["type"] in ("credit_note", "invoice")]
    penalty_before = sum((a.amount for a in rows(services, PenaltyAccrual)
                          if a.day <= RESOLVED), Decimal(0))
    assert penalty_before > 0
    assert Decimal(body["opening_balance"]) == Decimal("1500.00") - Decimal("400.00") \
        + penalty_before
    earlier = _statement(api, DUE - timedelta(days=40), RESOLVED
                         ).get_json()  # type: ignore[attr-defined]
    assert body["opening_balance"] == earlier["closing_balance"]
    _adds_up(body, api)


def test_aging_as_of_a_past_date_respects_the_credit_notes_date(
        api: Api, services: Services) -> None:
    day = Day(services, DUE - timedelta(days=30))
    api.customer(tier="B")
    _invoice(api, "INV-1", "1000.00", DUE + timedelta(days=30))  # not due: no penalty
    _credit(api, day, DUE, DUE + timedelta(days=3), amount="250.00")
    day.today = DUE + timedelta(days=6)

    def aged(as_of: date) -> Decimal:
        body = _ok(api.call("GET", f"/v1/customers/C-1/credit?as_of={as_of}", role="auditor"))
        return sum((Decimal(v) for v in body["aging"].values()), Decimal(0))

    assert aged(DUE + timedelta(days=2)) == Decimal("1000.00")
    assert aged(DUE + timedelta(days=3)) == Decimal("750.00")
    assert aged(DUE + timedelta(days=6)) == Decimal("750.00")


def test_the_overdue_trend_takes_a_credit_note_off_from_its_date(
        api: Api, services: Services) -> None:
    _book(api, services)
    with services.uow() as uow:
        before = overdue_principal(uow.session, RESOLVED - timedelta(days=1))
        on = overdue_principal(uow.session, RESOLVED)
    assert (before, on) == ({"CNY": Decimal("1500.00")}, {"CNY": Decimal("1100.00")})
