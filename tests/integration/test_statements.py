"""Statements of account over the API: JSON, CSV, PDF and by email, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from email.header import decode_header, make_header

from pypdf import PdfReader

from policy_service.container import Services
from policy_service.db.models_receivables import OutboxMessage
from policy_service.domain.statement import month_end
from policy_service.services.day.run import run_daily
from policy_service.services.outbox.adapters import (
    SmtpEmailAdapter,
    SmtpSettings,
    delivery_adapters,
)
from policy_service.services.outbox.messages import send_pending
from tests.conftest import Api
from tests.integration.receivables_book import rows
from tests.integration.test_outbox import Inbox, smtp  # noqa: F401  # the SMTP fixture

TODAY = date.today()  # waivers and write-offs are dated when they are made


def _post(api: Api, path: str, body: dict, role: str = "order_system") -> dict:
    response = api.call("POST", path, role, json=body)
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def _invoice(api: Api, invoice_id: str, amount: str, issued: int, due: int) -> None:
    _post(api, "/v1/invoices", {
        "invoice_id": invoice_id, "customer_id": "C-1", "amount": amount, "currency": "CNY",
        "issue_date": (TODAY - timedelta(days=issued)).isoformat(),
        "due_date": (TODAY - timedelta(days=due)).isoformat()})


def book(services: Services, api: Api) -> None:
    """Three invoices, a payment, a run of today's day, a waiver and a write-off."""
    api.customer(email="ap@acme.test", owner="sales-key")
    _invoice(api, "I-1", "1000.00", 100, 70)
    _invoice(api, "I-2", "500.00", 40, 10)
    _invoice(api, "I-3", "200.00", 90, 60)
    _post(api, "/v1/payments", {"payment_id": "P-1", "invoice_id": "I-1", "amount": "300.00",
                                "currency": "CNY",
                                "paid_at": (TODAY - timedelta(days=50)).isoformat()})
    run_daily(services.uow(), services.rulesets, TODAY)
    services.today = lambda: TODAY
    _post(api, "/v1/invoices/I-1/waive-penalty", {"note": "goodwill", "amount": "1.00"},
          "risk_manager")
    _post(api, "/v1/invoices/I-3/write-off", {"note": "insolvent"}, "risk_manager")


def _statement(api: Api, start: date, end: date, role: str = "risk_manager", **kwargs) -> dict:
    response = api.call("GET", f"/v1/customers/C-1/statement?from={start}&to={end}", role,
                        **kwargs)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_statement_adds_up_and_closes_at_the_open_receivables(services: Services, api: Api
                                                                ) -> None:
    book(services, api)
    body = _statement(api, TODAY - timedelta(days=120), TODAY)
    assert (body["customer_id"], body["currency"], body["opening_balance"]) == (
        "C-1", "CNY", "0.00")
    lines = body["lines"]
    debits = sum(Decimal(line["debit"]) for line in lines)
    credits = sum(Decimal(line["credit"]) for line in lines)
    assert Decimal(body["closing_balance"]) == debits - credits
    credit = api.call("GET", "/v1/customers/C-1/credit").get_json()
    assert body["closing_balance"] == credit["exposure"]["open_receivables"]
    balance = Decimal(body["opening_balance"])
    for line in lines:  # the running balance, line by line
        balance += Decimal(line["debit"]) - Decimal(line["credit"])
        assert line["balance"] == f"{balance:.2f}"
    assert [line["date"] for line in lines] == sorted(line["date"] for line in lines)
    kinds = {(line["type"], line["ref"].split("/")[0]) for line in lines}
    assert {("invoice", "I-1"), ("invoice", "I-2"), ("invoice", "I-3"), ("payment", "P-1"),
            ("waiver", "I-1"), ("write_off", "I-3"), ("penalty", "I-1")} <= kinds
    waiver = next(line for line in lines if line["type"] == "waiver")
    assert (waiver["credit"], waiver["date"]) == ("1.00", TODAY.isoformat())
    assert waiver["description"]["zh"] and waiver["description"]["en"]


def test_penalty_is_one_line_per_invoice_and_month_dated_at_its_end(services: Services,
                                                                     api: Api) -> None:
    book(services, api)
    lines = _statement(api, TODAY - timedelta(days=120), TODAY)["lines"]
    penalty = [line for line in lines if line["type"] == "penalty"]
    keys = [(line["ref"], line["date"][:7]) for line in penalty]
    assert len(keys) == len(set(keys)) and len(keys) >= 2  # I-1 has been late over two months
    for line in penalty:
        day = date.fromisoformat(line["date"])
        assert day == min(month_end(day), TODAY)
    i1 = api.call("GET", "/v1/invoices/I-1").get_json()
    assert sum(Decimal(line["debit"]) for line in penalty if line["ref"] == "I-1") == \
        Decimal(i1["penalty_accrued"])
    # A period ending mid-month dates that month's penalty on its last day.
    end = TODAY - timedelta(days=20)
    short = _statement(api, TODAY - timedelta(days=120), end)["lines"]
    assert max(line["date"] for line in short if line["type"] == "penalty") <= end.isoformat()


def test_the_opening_balance_is_the_closing_balance_of_the_day_before(services: Services,
                                                                      api: Api) -> None:
    book(services, api)
    split = TODAY - timedelta(days=45)
    before = _statement(api, TODAY - timedelta(days=120), split - timedelta(days=1))
    after = _statement(api, split, TODAY)
    assert after["opening_balance"] == before["closing_balance"] != "0.00"
    assert all(line["date"] >= split.isoformat() for line in after["lines"])


def test_the_statement_as_csv_has_a_header_and_one_row_per_line(services: Services, api: Api
                                                                ) -> None:
    book(services, api)
    start = TODAY - timedelta(days=120)
    body = _statement(api, start, TODAY)
    response = api.client.get(f"/v1/customers/C-1/statement?from={start}&to={TODAY}",
                              headers={**api.keys["auditor"], "Accept": "text/csv"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads the Chinese as UTF-8
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0] == ["date", "type", "ref", "description_zh", "description_en", "debit",
                        "credit", "balance", "currency"]
    assert [row[-2] for row in table[1:]] == [line["balance"] for line in body["lines"]]
    assert {row[-1] for row in table[1:]} == {body["currency"]}


def pdf_text(pdf: bytes) -> str:
    """What a reader of the PDF sees, as text."""
    assert pdf.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_statement_as_pdf_reads_in_chinese_and_english(services: Services, api: Api
                                                           ) -> None:
    book(services, api)
    start = TODAY - timedelta(days=120)
    body = _statement(api, start, TODAY)
    response = api.client.get(f"/v1/customers/C-1/statement?from={start}&to={TODAY}",
                              headers={**api.keys["risk_manager"], "Accept": "application/pdf"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.get_data())
    assert "对账单 / Statement of account" in text and "期末余额 / Closing balance" in text
    assert f"{Decimal(body['closing_balance']):,.2f} CNY" in text
    assert "1,000.00 CNY" in text and "核销 / write-off" in text
    assert all(line["ref"] in text for line in body["lines"])


def test_bad_periods_unknown_customers_and_other_owners_are_refused(services: Services,
                                                                    api: Api) -> None:
    book(services, api)
    path = "/v1/customers/C-1/statement"
    late = api.call("GET", f"{path}?from={TODAY}&to={TODAY - timedelta(days=1)}", "auditor")
    assert late.status_code == 422 and late.get_json()["error"]["fields"]
    long = api.call("GET", f"{path}?from={TODAY.replace(year=TODAY.year - 6)}&to={TODAY}",
                    "auditor")
    assert long.status_code == 422
    assert api.call("GET", f"{path}?from=2026-13-01&to={TODAY}", "auditor").status_code == 422
    assert api.call("GET", f"{path}?to={TODAY}", "auditor").status_code == 422
    unknown = api.call("GET", f"/v1/customers/NOPE/statement?from={TODAY}&to={TODAY}", "auditor")
    assert unknown.status_code == 404
    assert api.call("GET", f"{path}?from={TODAY}&to={TODAY}", "order_system").status_code == 403
    assert api.call("GET", f"{path}?from={TODAY}&to={TODAY}", "sales").status_code == 200
    api.customer("C-2", owner="someone-else")
    other = api.call("GET", f"/v1/customers/C-2/statement?from={TODAY}&to={TODAY}", "sales")
    assert other.status_code == 403


def test_a_sent_statement_arrives_by_email_with_the_pdf_attached(
        services: Services, api: Api, smtp: tuple[Inbox, int]) -> None:  # noqa: F811
    inbox, port = smtp
    book(services, api)
    start = TODAY - timedelta(days=120)
    response = api.call("POST", "/v1/customers/C-1/statement/send", "risk_manager",
                        json={"from": start.isoformat(), "to": TODAY.isoformat()})
    assert response.status_code == 202, response.get_json()
    assert response.get_json()["recipient"] == "ap@acme.test"
    adapters = {**delivery_adapters(None),
                "email": SmtpEmailAdapter(SmtpSettings("127.0.0.1", port, sender="ar@x.test"))}
    assert send_pending(services.uow(), adapters, sleep=lambda _s: None).failed == 0
    (mail,) = [m for m in inbox.messages  # the day's dunning emails went out with it
               if "Statement" in str(make_header(decode_header(m["Subject"])))]
    assert mail["To"] == "ap@acme.test"
    parts = {part.get_content_type(): part for part in mail.walk()}
    pdf = parts["application/pdf"]
    assert pdf.get_filename() == f"statement-C-1-{start}-{TODAY}.pdf"
    assert "对账单" in pdf_text(pdf.get_payload(decode=True))
    text = parts["text/plain"].get_payload(decode=True).decode("utf-8")
    closing = _statement(api, start, TODAY)["closing_balance"]
    assert f"{Decimal(closing):,.2f} CNY" in text and "对账单" in text


def test_sending_is_for_risk_managers_and_needs_an_email_address(services: Services, api: Api
                                                                 ) -> None:
    api.customer()  # no email
    body = {"from": TODAY.isoformat(), "to": TODAY.isoformat()}
    path = "/v1/customers/C-1/statement/send"
    assert api.call("POST", path, "auditor", json=body).status_code == 403
    response = api.call("POST", path, "risk_manager", json=body)
    assert response.status_code == 422 and "email" in response.get_json()["error"]["fields"]
    bad = api.call("POST", path, "risk_manager", json={**body, "from": "2999-01-01x"})
    assert bad.status_code == 422
    assert rows(services, OutboxMessage) == []
