"""Invoices, payments and the credit view over the API, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from tests.conftest import Api
from tests.integration.receivables_book import shipped_class


def _invoice(api: Api, invoice_id: str, amount: str, due: date, **fields) -> dict:
    body = {"invoice_id": invoice_id, "customer_id": "C-1", "amount": amount, "currency": "CNY",
            "issue_date": (due - timedelta(days=30)).isoformat(), "due_date": due.isoformat(),
            **fields}
    response = api.call("POST", "/v1/invoices", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_an_invoice_without_a_due_date_is_due_after_the_customers_term(api: Api) -> None:
    api.customer(tier="B")  # tier B: 60 days
    response = api.call("POST", "/v1/invoices", json={
        "invoice_id": "INV-1", "customer_id": "C-1", "amount": "100.00", "currency": "CNY",
        "issue_date": "2026-01-10"})
    assert response.status_code == 201
    assert response.get_json()["due_date"] == "2026-03-11"
    api.customer("C-2", tier="B", payment_term_days=10)
    response = api.call("POST", "/v1/invoices", json={
        "invoice_id": "INV-2", "customer_id": "C-2", "amount": "100.00", "currency": "CNY",
        "issue_date": "2026-01-10"})
    assert response.get_json()["due_date"] == "2026-01-20"


def test_a_payment_reduces_what_is_open_and_a_full_payment_closes_the_invoice(api: Api) -> None:
    api.customer()
    _invoice(api, "INV-1", "1000.00", date.today() + timedelta(days=10))
    first = api.call("POST", "/v1/payments", json={
        "payment_id": "P-1", "invoice_id": "INV-1", "amount": "400.00", "currency": "CNY",
        "paid_at": date.today().isoformat()})
    assert first.status_code == 201
    invoice = api.call("GET", "/v1/invoices/INV-1").get_json()
    assert (invoice["paid"], invoice["outstanding"], invoice["status"]) == (
        "400.00", "600.00", "open")
    api.call("POST", "/v1/payments", json={
        "payment_id": "P-2", "invoice_id": "INV-1", "amount": "600.00", "currency": "CNY",
        "paid_at": date.today().isoformat()})
    invoice = api.call("GET", "/v1/invoices/INV-1").get_json()
    assert (invoice["outstanding"], invoice["status"]) == ("0.00", "paid")


def test_paying_more_than_is_open_is_refused_and_changes_nothing(api: Api) -> None:
    api.customer()
    _invoice(api, "INV-1", "100.00", date.today())
    response = api.call("POST", "/v1/payments", json={
        "payment_id": "P-1", "invoice_id": "INV-1", "amount": "100.01", "currency": "CNY",
        "paid_at": date.today().isoformat()})
    assert response.status_code == 422
    assert api.call("GET", "/v1/invoices/INV-1").get_json()["outstanding"] == "100.00"


def test_the_same_payment_twice_is_applied_once(api: Api) -> None:
    api.customer()
    _invoice(api, "INV-1", "100.00", date.today())
    body = {"payment_id": "P-1", "invoice_id": "INV-1", "amount": "30.00", "currency": "CNY",
            "paid_at": date.today().isoformat()}
    assert api.call("POST", "/v1/payments", json=body).status_code == 201
    assert api.call("POST", "/v1/payments", json=body).status_code == 200
    assert api.call("GET", "/v1/invoices/INV-1").get_json()["outstanding"] == "70.00"
    assert api.call("POST", "/v1/payments", json={**body, "amount": "31.00"}).status_code == 409


def test_a_payment_for_an_unknown_invoice_is_a_404(api: Api) -> None:
    response = api.call("POST", "/v1/payments", json={
        "payment_id": "P-1", "invoice_id": "NOPE", "amount": "1.00", "currency": "CNY",
        "paid_at": "2026-11-01"})
    assert response.status_code == 404


def test_the_credit_view_shows_exposure_overdue_and_aging(api: Api) -> None:
    api.customer(credit_limit="10000.00", collateral_amount="1000.00")
    today = date.today()
    assert api.check("SO-1", "1000.00").get_json()["outcome"] == "approved"
    _invoice(api, "INV-1", "100.00", today + timedelta(days=5))
    _invoice(api, "INV-2", "200.00", today - timedelta(days=10))
    _invoice(api, "INV-3", "300.00", today - timedelta(days=45))
    _invoice(api, "INV-4", "400.00", today - timedelta(days=100))
    credit = api.call("GET", "/v1/customers/C-1/credit", role="sales").get_json()
    assert credit["exposure"] == {"open_receivables": "1000.00", "reserved_orders": "1000.00",
                                  "total": "2000.00"}
    assert credit["available"] == "9000.00"
    assert credit["overdue"] == {"amount": "900.00", "oldest_days_past_due": 100}
    assert credit["aging"] == {"not_due": "100.00", "1-30": "200.00", "31-60": "300.00",
                               "61-90": "0.00", "91+": "400.00"}
    invoice = api.call("GET", "/v1/invoices/INV-3").get_json()
    assert (invoice["days_past_due"], invoice["class"]) == (45, shipped_class(45).name)
    invoice = api.call("GET", "/v1/invoices/INV-1").get_json()
    assert (invoice["days_past_due"], invoice["class"]) == (0, shipped_class(0).name)


def test_a_fully_prepaid_order_reserves_nothing_and_is_invoiced_like_any_other(api: Api) -> None:
    api.customer(tier="D")
    decided = api.check("SO-PRE", "800.00").get_json()
    assert decided["outcome"] == "approved_with_conditions"
    assert decided["conditions"] == [{"type": "prepayment", "percent": "100"}]
    assert api.call("GET", "/v1/customers/C-1/credit").get_json()["exposure"][
        "reserved_orders"] == "0.00"
    assert api.call("POST", "/v1/invoices", json={
        "invoice_id": "I-PRE", "customer_id": "C-1", "amount": "800.00", "currency": "CNY",
        "issue_date": "2026-01-01", "order_id": "SO-PRE"}).status_code == 201
    after = api.call("GET", f"/v1/credit-checks/{decided['decision_id']}").get_json()
    assert after["status"] == "invoiced"


def test_a_held_order_is_not_marked_invoiced_by_an_invoice(api: Api) -> None:
    api.customer(credit_limit="100.00")
    held = api.check("SO-HELD", "800.00").get_json()
    assert held["outcome"] == "hold"
    api.call("POST", "/v1/invoices", json={
        "invoice_id": "I-H", "customer_id": "C-1", "amount": "800.00", "currency": "CNY",
        "issue_date": "2026-01-01", "order_id": "SO-HELD"})
    assert api.call("GET", f"/v1/credit-checks/{held['decision_id']}").get_json()[
        "status"] == "open"
