"""A customer's own invoices and payments over the API, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from tests.conftest import Api


def _invoice(api: Api, invoice_id: str, customer_id: str, amount: str, issued: date) -> None:
    response = api.call("POST", "/v1/invoices", json={
        "invoice_id": invoice_id, "customer_id": customer_id, "amount": amount,
        "currency": "CNY", "issue_date": issued.isoformat(),
        "due_date": (issued + timedelta(days=30)).isoformat()})
    assert response.status_code == 201, response.get_json()


def _pay(api: Api, payment_id: str, invoice_id: str, amount: str, paid: date) -> None:
    response = api.call("POST", "/v1/payments", json={
        "payment_id": payment_id, "invoice_id": invoice_id, "amount": amount,
        "currency": "CNY", "paid_at": paid.isoformat()})
    assert response.status_code == 201, response.get_json()


def test_a_customers_invoices_newest_first_by_status_and_its_payments(api: Api) -> None:
    today = date.today()
    api.customer("C-1")
    api.customer("C-2")
    _invoice(api, "INV-OLD", "C-1", "100.00", today - timedelta(days=20))
    _invoice(api, "INV-NEW", "C-1", "250.00", today - timedelta(days=5))
    _invoice(api, "INV-OTHER", "C-2", "999.00", today - timedelta(days=3))
    _pay(api, "P-1", "INV-OLD", "40.00", today - timedelta(days=10))
    _pay(api, "P-2", "INV-OLD", "60.00", today - timedelta(days=2))

    every = api.call("GET", "/v1/customers/C-1/invoices", role="sales").get_json()
    assert [i["invoice_id"] for i in every["invoices"]] == ["INV-NEW", "INV-OLD"]
    assert every["invoices"][1]["status"] == "paid"
    opened = api.call("GET", "/v1/customers/C-1/invoices?status=open").get_json()
    assert [(i["invoice_id"], i["outstanding"]) for i in opened["invoices"]] == [
        ("INV-NEW", "250.00")]
    paid = api.call("GET", "/v1/customers/C-1/invoices?status=paid", role="auditor").get_json()
    assert [i["invoice_id"] for i in paid["invoices"]] == ["INV-OLD"]
    assert api.call("GET", "/v1/customers/C-1/invoices?limit=1").get_json()["invoices"][0][
        "invoice_id"] == "INV-NEW"

    payments = api.call("GET", "/v1/customers/C-1/payments").get_json()["payments"]
    assert [(p["payment_id"], p["amount"]) for p in payments] == [("P-2", "60.00"),
                                                                  ("P-1", "40.00")]
    assert api.call("GET", "/v1/customers/C-2/payments").get_json() == {"payments": []}


def test_unknown_customers_statuses_and_parameters_are_refused(api: Api) -> None:
    api.customer("C-1")
    missing = api.call("GET", "/v1/customers/C-NOPE/invoices")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "not_found"
    assert api.call("GET", "/v1/customers/C-NOPE/payments").status_code == 404
    for query in ("status=late", "limit=0", "limit=1001", "sort=amount"):
        response = api.call("GET", f"/v1/customers/C-1/invoices?{query}")
        assert response.status_code == 422, query
        assert response.get_json()["error"]["code"] == "invalid"
