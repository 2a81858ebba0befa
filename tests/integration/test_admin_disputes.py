"""Resolving a dispute from the admin: the form's refusals change nothing; a resolution shows
in the API exactly as POST /v1/disputes/{id}/resolve would record it (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from policy_service.container import Services
from tests.conftest import Api
from tests.integration.test_admin_support import csrf_token, login, make_users
from tests.integration.test_collections_disputes import Day

DUE = date(2026, 3, 1)
FORM = "/admin/disputes/D-1/resolve"


def _book(api: Api, services: Services) -> Day:
    """C-1 owes INV-1 of 1,000.00 CNY, 400.00 of it disputed (D-1), 12 days past due."""
    day = Day(services, DUE + timedelta(days=12))
    api.customer("C-1", tier="B", owner="sales-user", name="Own Co")
    assert api.call("POST", "/v1/invoices", json={
        "invoice_id": "INV-1", "customer_id": "C-1", "amount": "1000.00", "currency": "CNY",
        "issue_date": "2026-01-30", "due_date": DUE.isoformat()}).status_code == 201
    assert api.call("POST", "/v1/invoices/INV-1/disputes", json={
        "dispute_id": "D-1", "amount": "400.00", "reason": "damaged"}).status_code == 201
    return day


def _resolve(client: FlaskClient, **form: str) -> str:
    """Submit the resolve form as the browser does (token from the form), follow the redirect."""
    page = client.get(FORM).get_data(as_text=True)
    response = client.post(FORM, data={**form, "csrf_token": csrf_token(page)})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client.get(response.headers["Location"]).get_data(as_text=True)


def _state(api: Api) -> tuple[Any, ...]:
    (dispute,) = api.call("GET", "/v1/customers/C-1/disputes", role="auditor"
                          ).get_json()["disputes"]
    invoice = api.call("GET", "/v1/invoices/INV-1", role="auditor").get_json()
    return (dispute["status"], dispute["credit_note_amount"], invoice["credited"],
            invoice["outstanding"])


def test_the_form_refuses_without_a_note_or_above_the_disputed_amount_and_changes_nothing(
        api: Api, services: Services, app: Flask) -> None:
    _book(api, services)
    before = _state(api)
    assert before[:3] == ("open", None, "0.00")
    client = login(app, make_users(services)["risk_manager"])
    form = client.get(FORM).get_data(as_text=True)
    assert 'value="400.00"' in form and 'id="credit-note-currency">CNY<' in form
    assert "data-confirm=" in form
    page = _resolve(client, in_favour_of="customer", credit_note_amount="100.00", note="  ")
    assert "A note is required." in page and 'id="resolve-form"' in page
    page = _resolve(client, in_favour_of="customer", credit_note_amount="400.01",
                    note="too generous")
    assert "credit note 400.01 must be more than 0 and at most 400.00" in page
    page = _resolve(client, in_favour_of="customer", credit_note_amount="-5.00", note="minus")
    assert "Credit-note amount: amount must not be negative" in page
    page = _resolve(client, in_favour_of="nobody", note="who?")
    assert "in_favour_of must be one of customer, company" in page
    assert _state(api) == before


def test_an_already_resolved_dispute_is_refused_in_the_users_language(
        api: Api, services: Services, app: Flask) -> None:
    _book(api, services)
    client = login(app, make_users(services)["risk_manager"])
    page = client.get("/admin/disputes/").get_data(as_text=True)
    assert '<a href="/admin/customer/C-1">C-1</a>' in page  # to the customer's credit page
    client.post("/admin/auth/locale/zh", data={"csrf_token": csrf_token(page),
                                               "next": "/admin/disputes/"})
    page = _resolve(client, in_favour_of="customer", credit_note_amount="12.5x", note="typo")
    assert "贷项通知单金额：&#39;12.5x&#39; 不是十进制数字（例如“12000.00”）。" in page
    form = client.get(FORM).get_data(as_text=True)  # opened before a colleague resolves it
    assert api.call("POST", "/v1/disputes/D-1/resolve", role="risk_manager", json={
        "in_favour_of": "company", "note": "goods were fine"}).status_code == 200
    resolved = _state(api)
    response = client.post(FORM, data={"in_favour_of": "customer", "note": "refund",
                                       "credit_note_amount": "400.00",
                                       "csrf_token": csrf_token(form)})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "争议 D-1 已是“已解决”。" in page
    assert 'id="resolve-form"' not in page  # nothing left to resolve
    assert _state(api) == resolved == ("resolved", None, "0.00", resolved[3])


def test_a_risk_manager_resolves_for_the_customer_from_the_customer_page(
        api: Api, services: Services, app: Flask) -> None:
    _book(api, services)
    names = make_users(services)
    client = login(app, names["risk_manager"])
    customer_page = client.get("/admin/customer/C-1").get_data(as_text=True)
    assert f'href="{FORM}?next=/admin/customer/C-1"' in customer_page
    outstanding = api.call("GET", "/v1/invoices/INV-1", role="auditor").get_json()["outstanding"]
    page = client.get(f"{FORM}?next=/admin/customer/C-1").get_data(as_text=True)
    response = client.post(FORM, data={
        "in_favour_of": "customer", "credit_note_amount": "150.00", "note": "one carton broken",
        "next": "/admin/customer/C-1", "csrf_token": csrf_token(page)})
    assert (response.status_code, response.headers["Location"]) == (302, "/admin/customer/C-1")
    page = client.get("/admin/customer/C-1").get_data(as_text=True)
    assert "credit note 150.00 CNY on invoice INV-1" in page
    assert f'href="{FORM}' not in page  # resolved: no Resolve button any more
    status, credit, credited, now = _state(api)
    assert (status, credit, credited) == ("resolved", "150.00", "150.00")
    assert Decimal(outstanding) - Decimal(now) == Decimal("150.00")
    (dispute,) = api.call("GET", "/v1/customers/C-1/disputes", role="auditor"
                          ).get_json()["disputes"]
    assert (dispute["in_favour_of"], dispute["resolved_by"], dispute["resolution_note"]) == (
        "customer", names["risk_manager"], "one carton broken")


def test_for_the_company_no_credit_note_and_only_risk_managers_may_resolve(
        api: Api, services: Services, app: Flask) -> None:
    _book(api, services)
    names = make_users(services)
    auditor = login(app, names["auditor"])
    assert "resolve-dispute" not in auditor.get("/admin/disputes/").get_data(as_text=True)
    form = auditor.get(FORM).get_data(as_text=True)
    assert 'id="resolve-form"' not in form
    refused = auditor.post(FORM, data={"in_favour_of": "company", "note": "no",
                                       "csrf_token": csrf_token(form)})
    assert refused.status_code == 403
    assert _state(api)[0] == "open"
    client = login(app, names["risk_manager"])
    assert f'href="{FORM}"' in client.get("/admin/disputes/").get_data(as_text=True)
    page = _resolve(client, in_favour_of="company", credit_note_amount="400.00",
                    note="goods were fine")
    assert "Dispute D-1 resolved in the company&#39;s favour" in page
    assert 'data-dispute="D-1"' not in page  # back on the queue, which lists open ones only
    assert _state(api)[:3] == ("resolved", None, "0.00")
