"""Held orders: search, filters, and bulk release / reject behind a confirmation page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from policy_service.container import Services
from tests.integration.test_admin_support import csrf_token, login, make_users


@pytest.fixture
def held(services: Services, api: Any) -> dict[str, str]:
    """Three customers (two CNY, one JPY) with four holds; returns decision id by order."""
    api.customer("C-SH", name="上海华东贸易", credit_limit="10000.00", owner="sales-a")
    api.customer("C-GZ", name="Guangzhou Logistics", credit_limit="10000.00", owner="sales-b")
    api.customer("C-JP", name="Tokyo Seimitsu", credit_limit="1000000", currency="JPY",
                 owner="sales-a")
    ids = {}
    for order, customer, amount, currency in (
            ("SO-SH-1", "C-SH", "13000.00", "CNY"), ("SO-SH-2", "C-SH", "14000.00", "CNY"),
            ("SO-GZ-1", "C-GZ", "13500.00", "CNY"), ("SO-JP-1", "C-JP", "1400000", "JPY")):
        body = api.check(order, amount, customer, currency=currency).get_json()
        assert body["outcome"] == "hold", body
        ids[order] = body["decision_id"]
    return ids


def _orders(html: str) -> set[str]:
    """The order references listed on the held-orders screen."""
    return set(re.findall(r"SO-[A-Z]{2}-\d", html))


def test_a_hold_is_found_by_customer_name_customer_id_or_order(
        app: Flask, services: Services, held: dict[str, str]) -> None:
    client = login(app, make_users(services)["risk_manager"])
    assert _orders(client.get("/admin/held/?search=华东").get_data(as_text=True)) == {
        "SO-SH-1", "SO-SH-2"}
    assert _orders(client.get("/admin/held/?search=c-gz").get_data(as_text=True)) == {
        "SO-GZ-1"}
    assert _orders(client.get("/admin/held/?search=SO-JP").get_data(as_text=True)) == {
        "SO-JP-1"}
    assert _orders(client.get("/admin/held/?search=nobody").get_data(as_text=True)) == set()


def _filter_index(html: str, label: str) -> int:
    """Flask-Admin numbers its filters; find the one shown as `label`."""
    names = re.search(r'id="filter-groups-data"[^>]*>(.*?)</div>', html, re.S)
    assert names, "no filter data on the page"
    found = re.search(r'"' + re.escape(label) + r'": \[\{"arg": "(\d+)"', names.group(1)
                      .replace("&#34;", '"').replace("&quot;", '"'))
    assert found, names.group(1)[:500]
    return int(found.group(1))


def test_holds_filter_by_currency_owner_reason_and_days_on_hold(
        app: Flask, services: Services, held: dict[str, str]) -> None:
    client = login(app, make_users(services)["risk_manager"])
    page = client.get("/admin/held/").get_data(as_text=True)

    def listed(label: str, value: str) -> set[str]:
        url = f"/admin/held/?flt0_{_filter_index(page, label)}={value}"
        return _orders(client.get(url).get_data(as_text=True))

    assert listed("Currency", "JPY") == {"SO-JP-1"}
    assert listed("Account owner", "sales-a") == {"SO-SH-1", "SO-SH-2", "SO-JP-1"}
    assert listed("Reason code", "NO_SUCH_REASON") == set()
    assert listed("Days on hold", "0") == set(held)
    assert listed("Days on hold", "1") == set()  # all were decided today


def test_a_bulk_release_asks_first_with_each_customers_credit_after_all_its_orders(
        app: Flask, services: Services, api: Any, held: dict[str, str]) -> None:
    client = login(app, make_users(services)["risk_manager"])
    listing = client.get("/admin/held/").get_data(as_text=True)
    asked = client.post("/admin/held/action/", data={
        "csrf_token": csrf_token(listing), "action": "release",
        "rowid": [held["SO-SH-1"], held["SO-SH-2"]]})
    assert asked.status_code == 302
    page = client.get(asked.headers["Location"]).get_data(as_text=True)
    assert "Release 2 held orders?" in page
    assert "上海华东贸易" in page and "SO-SH-1" in page and "SO-SH-2" in page
    assert "10,000.00 CNY" in page  # available now
    assert "-17,000.00 CNY" in page  # after both: 10,000 - 13,000 - 14,000
    assert "270.0% of the limit" in page and 'id="bulk-over-limit"' in page
    for order in ("SO-SH-1", "SO-SH-2"):  # nothing is decided until the page is confirmed
        assert _decision(api, held[order])["status"] == "open"


def _decision(api: Any, decision_id: str) -> dict[str, Any]:
    return dict(api.call("GET", f"/v1/credit-checks/{decision_id}", role="auditor").get_json())


def _confirm(client: Any, verb: str, ids: list[str], note: str) -> Any:
    page = client.get("/admin/held/bulk", query_string={"action": verb, "id": ids})
    return client.post("/admin/held/bulk", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "action": verb, "id": ids,
        "note": note})


def test_a_confirmed_bulk_release_decides_every_order_with_the_one_note(
        app: Flask, services: Services, api: Any, held: dict[str, str]) -> None:
    users = make_users(services)
    client = login(app, users["risk_manager"])
    done = _confirm(client, "release", [held["SO-SH-1"], held["SO-GZ-1"]], "CFO agreed")
    assert done.status_code == 302
    shown = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Orders released: SO-GZ-1, SO-SH-1." in shown
    assert held["SO-SH-1"] not in shown.split("alert-success")[1][:300]  # orders, not UUIDs
    for order in ("SO-SH-1", "SO-GZ-1"):
        decision = _decision(api, held[order])
        assert decision["status"] == "released"
        last = decision["history"][-1]
        assert (last["note"], last["actor"]) == ("CFO agreed", users["risk_manager"])
    assert _decision(api, held["SO-SH-2"])["status"] == "open"


def test_a_bulk_reject_needs_a_note_and_changes_nothing_without_one(
        app: Flask, services: Services, api: Any, held: dict[str, str]) -> None:
    client = login(app, make_users(services)["risk_manager"])
    refused = _confirm(client, "reject", [held["SO-JP-1"]], "  ")
    assert "/admin/held/bulk" in refused.headers["Location"]
    assert "A note is required." in client.get(refused.headers["Location"]).get_data(
        as_text=True)
    assert _decision(api, held["SO-JP-1"])["status"] == "open"
    done = _confirm(client, "reject", [held["SO-JP-1"]], "no collateral")
    assert "Orders rejected: SO-JP-1." in client.get(done.headers["Location"]).get_data(
        as_text=True)
    assert _decision(api, held["SO-JP-1"])["status"] == "rejected"


def test_when_one_order_was_decided_meanwhile_the_bulk_release_changes_nothing(
        app: Flask, services: Services, api: Any, held: dict[str, str]) -> None:
    client = login(app, make_users(services)["risk_manager"])
    page = client.get("/admin/held/bulk", query_string={
        "action": "release", "id": [held["SO-SH-1"], held["SO-SH-2"]]}).get_data(as_text=True)
    assert _confirm(client, "reject", [held["SO-SH-2"]], "first").status_code == 302
    late = client.post("/admin/held/bulk", data={
        "csrf_token": csrf_token(page), "action": "release",
        "id": [held["SO-SH-1"], held["SO-SH-2"]], "note": "second"})
    assert "Nothing was changed" in client.get(late.headers["Location"]).get_data(as_text=True)
    assert _decision(api, held["SO-SH-1"])["status"] == "open"


def test_only_risk_managers_may_decide_in_bulk(
        app: Flask, services: Services, held: dict[str, str]) -> None:
    client = login(app, make_users(services)["auditor"])
    listing = client.get("/admin/held/").get_data(as_text=True)
    assert "With selected" not in listing
    assert client.get("/admin/held/bulk", query_string={
        "action": "release", "id": [held["SO-SH-1"]]}).status_code == 403
