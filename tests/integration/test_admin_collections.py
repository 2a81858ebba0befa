"""The collections screens as users see them: the worklist, disputes queue, instalments due."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import Flask

from policy_service.admin.views import queues
from policy_service.container import Services
from tests.conftest import Api
from tests.integration.test_admin_support import login, make_users, post_form
from tests.integration.test_collections_disputes import Day

DUE = date(2026, 3, 1)


def _book(api: Api, services: Services) -> Day:
    day = Day(services, DUE)
    api.customer("C-1", tier="B", owner="sales-user", name="Own Co")
    api.customer("C-2", tier="B", owner="someone-else", name="Other Co")
    for invoice_id, customer_id in (("INV-1", "C-1"), ("INV-2", "C-2")):
        assert api.call("POST", "/v1/invoices", json={
            "invoice_id": invoice_id, "customer_id": customer_id, "amount": "1000.00",
            "currency": "CNY", "issue_date": "2026-01-30",
            "due_date": DUE.isoformat()}).status_code == 201
    day.today = DUE + timedelta(days=12)
    return day


def test_a_collector_logs_a_call_from_the_worklist_and_the_api_shows_it(
        api: Api, services: Services, app: Flask) -> None:
    _book(api, services)
    names = make_users(services)
    client = login(app, names["risk_manager"])
    page = client.get("/admin/worklist/").get_data(as_text=True)
    assert 'data-customer="C-1"' in page and 'data-customer="C-2"' in page
    response = post_form(client, "/admin/worklist/", "/admin/worklist/C-1/contact",
                         {"channel": "phone", "outcome": "no_answer", "note": ""})
    assert response.status_code == 302  # type: ignore[attr-defined]
    contacts = api.call("GET", "/v1/customers/C-1/contacts", role="auditor").get_json()
    assert [(c["channel"], c["outcome"], c["by"]) for c in contacts["contacts"]] == [
        ("phone", "no_answer", names["risk_manager"])]
    page = client.get("/admin/worklist/").get_data(as_text=True)
    row = page.split('data-customer="C-1"')[1].split("</tr>")[0]
    assert f"no answer ({names['risk_manager']})" in row  # the last contact, as people read it


def test_sales_see_their_own_customers_and_an_auditor_cannot_log(
        api: Api, services: Services, app: Flask) -> None:
    _book(api, services)
    names = make_users(services)
    sales = login(app, names["sales"])
    page = sales.get("/admin/worklist/?owner=someone-else").get_data(as_text=True)
    assert 'data-customer="C-1"' in page and 'data-customer="C-2"' not in page
    auditor = login(app, names["auditor"])
    page = auditor.get("/admin/worklist/").get_data(as_text=True)
    assert "contact-form" not in page
    refused = post_form(auditor, "/admin/worklist/", "/admin/worklist/C-1/contact",
                        {"outcome": "reached"})
    assert refused.status_code == 403  # type: ignore[attr-defined]
    assert api.call("GET", "/v1/customers/C-1/contacts",
                    role="auditor").get_json() == {"contacts": []}


def test_the_disputes_queue_shows_age_and_the_instalments_due_this_week(
        api: Api, services: Services, app: Flask) -> None:
    day = _book(api, services)
    assert api.call("POST", "/v1/invoices/INV-1/disputes", json={
        "dispute_id": "D-1", "reason": "damaged"}).status_code == 201
    assert api.call("POST", "/v1/customers/C-1/payment-plans", role="risk_manager", json={
        "plan_id": "PL-1", "invoice_ids": ["INV-1"], "instalments": [
            {"due_date": (day.today + timedelta(days=3)).isoformat(), "amount": "400.00"},
            {"due_date": (day.today + timedelta(days=20)).isoformat(), "amount": "600.00"}]}
    ).status_code == 201
    day.today += timedelta(days=2)
    client = login(app, make_users(services)["auditor"])
    page = client.get("/admin/disputes/").get_data(as_text=True)
    row = page.split('data-dispute="D-1"')[1].split("</tr>")[0]
    assert '<td class="dispute-age">2</td>' in row and "damaged" in row
    page = client.get("/admin/instalments/").get_data(as_text=True)
    assert page.count('class="instalment-row"') == 1 and "400.00 CNY" in page


def test_the_invoice_page_shows_its_issued_amount_and_its_credit_notes(
        api: Api, services: Services, app: Flask) -> None:
    _book(api, services)
    assert api.call("POST", "/v1/invoices/INV-1/disputes", json={
        "dispute_id": "D-1", "amount": "400.00", "reason": "damaged"}).status_code == 201
    assert api.call("POST", "/v1/disputes/D-1/resolve", role="risk_manager", json={
        "in_favour_of": "customer", "note": "two cartons broken"}).status_code == 200
    client = login(app, make_users(services)["auditor"])
    page = client.get("/admin/invoices/INV-1").get_data(as_text=True)
    assert '<td id="issued-amount">1,000.00 CNY</td>' in page
    assert '<td id="credited">400.00 CNY</td>' in page
    assert '<td id="invoice-amount">600.00 CNY</td>' in page
    (row,) = page.split('class="credit-note-row">')[1:]
    row = row.split("</tr>")[0]
    assert (DUE + timedelta(days=12)).isoformat() in row and "400.00 CNY" in row
    assert "D-1" in row and "two cartons broken" in row


def test_the_worklist_screen_shows_a_page_at_a_time_highest_priority_first(
        api: Api, services: Services, app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    day = _book(api, services)
    api.customer("C-3", tier="B", owner="someone-else", name="Big Co")
    assert api.call("POST", "/v1/invoices", json={
        "invoice_id": "INV-3", "customer_id": "C-3", "amount": "5000.00", "currency": "CNY",
        "issue_date": "2026-01-30", "due_date": DUE.isoformat()}).status_code == 201
    day.today = DUE + timedelta(days=12)
    monkeypatch.setattr(queues, "PAGE_SIZE", 2)
    client = login(app, make_users(services)["risk_manager"])
    first = client.get("/admin/worklist/").get_data(as_text=True)
    second = client.get("/admin/worklist/?page=2").get_data(as_text=True)
    rows = [re.findall(r'class="worklist-row[^"]*" data-customer="([^"]+)"', page)
            for page in (first, second)]
    assert rows[0][0] == "C-3" and len(rows[0]) == 2 and len(rows[1]) == 1
    assert sorted(rows[0] + rows[1]) == ["C-1", "C-2", "C-3"]
    assert "Customers 1–2 of 3, highest priority first" in first
    assert "Customers 3–3 of 3" in second and "2 / 2" in second
    assert client.get("/admin/worklist/?page=9").get_data(as_text=True).count(
        'class="worklist-row') == 1  # past the end: the last page
    response = post_form(client, "/admin/worklist/?page=2",
                         f"/admin/worklist/{rows[1][0]}/contact?page=2",
                         {"channel": "phone", "outcome": "reached", "note": ""})
    assert response.headers["Location"].endswith("/admin/worklist/?page=2")  # type: ignore[attr-defined]
