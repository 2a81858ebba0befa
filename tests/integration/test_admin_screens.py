"""The admin screens as a user sees them: edits recorded, holds decided, rules drafted."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from policy_service.admin.web import secret_key
from policy_service.config import Settings
from policy_service.container import Services
from policy_service.db.models_admin import ChangeRecord
from tests.integration.test_admin_support import PASSWORD, csrf_token, login, make_users, post_form


@pytest.fixture
def users(services: Services, api: Any) -> dict[str, str]:
    """Logins of every role and a customer C-1 with a 1,000.00 limit and one held order."""
    api.customer("C-1", credit_limit="1000.00")
    assert api.check("SO-HOLD", "5000.00").get_json()["outcome"] == "hold"
    return make_users(services)


def _edit_customer(client: Any, **fields: str) -> Any:
    page = client.get("/admin/customers/edit/?id=C-1").get_data(as_text=True)
    data = {"tier": "B", "credit_limit": "1000.00", "collateral_amount": "0.00",
            "payment_term_days": "", "status": "active", "status_reason": "",
            "next_review_date": "2027-05-23", "owner": "", **fields}
    return client.post("/admin/customers/edit/?id=C-1",
                       data={**data, "csrf_token": csrf_token(page)})


def test_a_risk_manager_blacklists_a_customer_and_the_history_shows_who_and_what(
        app: Flask, users: dict[str, str], services: Services) -> None:
    client = login(app, users["risk_manager"])
    response = _edit_customer(client, credit_limit="2500.00", status="blacklisted",
                              status_reason="fraud suspected")
    assert response.status_code == 302
    with services.database.sessions() as session:
        rows = {r.field: r for r in session.scalars(select(ChangeRecord))}
    assert rows["credit_limit"].old_value == "1000.00"
    assert rows["credit_limit"].new_value == "2500.00"
    assert rows["status"].new_value == "blacklisted"
    assert rows["status"].changed_by == users["risk_manager"]
    assert "fraud suspected" in client.get("/admin/changes/").get_data(as_text=True)


def test_a_status_change_without_a_reason_is_refused_and_saves_nothing(
        app: Flask, users: dict[str, str], services: Services) -> None:
    client = login(app, users["risk_manager"])
    response = _edit_customer(client, status="blacklisted")
    assert "A status change needs a reason." in response.get_data(as_text=True)
    with services.database.sessions() as session:
        assert session.scalars(select(ChangeRecord)).first() is None


def test_a_risk_manager_releases_a_held_order_with_a_note(app: Flask,
                                                         users: dict[str, str]) -> None:
    client = login(app, users["risk_manager"])
    held = client.get("/admin/held/").get_data(as_text=True)
    assert "SO-HOLD" in held
    action = held.split('action="/admin/held/decide/')[1].split('"')[0]
    response = client.post(f"/admin/held/decide/{action}", data={
        "action": "release", "note": "customer paid", "csrf_token": csrf_token(held)})
    assert response.status_code == 302
    after = client.get("/admin/held/").get_data(as_text=True)
    assert "Order SO-HOLD released." in after and "/admin/held/decide/" not in after
    lookup = client.get("/admin/lookup/?order_id=SO-HOLD").get_data(as_text=True)
    assert "approved" in lookup


def test_decisions_filter_by_rule_and_export_as_csv(app: Flask, users: dict[str, str]) -> None:
    client = login(app, users["auditor"])
    page = client.get("/admin/decisions/").get_data(as_text=True)
    rule_filter = re.search(r'"Rule": \[\{"arg": "(\d+)"', page).group(1)  # type: ignore[union-attr]
    listing = client.get(f"/admin/decisions/?flt0_{rule_filter}=over_limit").get_data(as_text=True)
    assert "SO-HOLD" in listing and '<a href="/admin/customer/C-1">C-1</a>' in listing
    other = client.get(f"/admin/decisions/?flt0_{rule_filter}=blacklisted").get_data(as_text=True)
    assert "SO-HOLD" not in other
    csv = client.get("/admin/decisions/export/csv/").get_data(as_text=True)
    assert "SO-HOLD" in csv and "over_limit" in csv


def test_the_decision_detail_shows_the_threshold_against_the_actual_value(
        app: Flask, users: dict[str, str]) -> None:
    client = login(app, users["auditor"])
    listing = client.get("/admin/decisions/").get_data(as_text=True)
    detail_url = "/admin/decisions/details/" + listing.split("/admin/decisions/details/")[1] \
        .split('"')[0].replace("&amp;", "&")
    page = client.get(detail_url).get_data(as_text=True)
    assert "CREDIT_LIMIT_EXCEEDED" in page and "Threshold" in page and "5,000.00 CNY" in page
    remedies = page.split('id="remedies"')[1].split("</ul>")[0]
    assert "reduce the order to 1,000.00 CNY or less to be approved" in remedies
    assert "prepay 4,000.00 CNY to be approved" in remedies


def test_sales_see_what_it_would_take_on_the_look_up(
        app: Flask, users: dict[str, str]) -> None:
    page = login(app, users["sales"]).get("/admin/lookup/?order_id=SO-HOLD").get_data(
        as_text=True)
    remedies = page.split('id="decision-remedies"')[1].split("</ul>")[0]
    assert "reduce the order to 1,000.00 CNY or less to be approved" in remedies
    assert "prepay 4,000.00 CNY to be approved" in remedies


def test_the_dashboard_draws_exposure_aging_and_the_held_orders(
        app: Flask, users: dict[str, str]) -> None:
    page = login(app, users["admin"]).get("/admin/").get_data(as_text=True)
    assert page.count('class="policy-chart"') == 3  # one currency: utilization, aging, trend
    assert 'data-figure="held_orders">1<' in page


def test_a_salesperson_switches_to_chinese_and_reads_the_reason_in_chinese(
        app: Flask, users: dict[str, str]) -> None:
    client = login(app, users["sales"])
    post_form(client, "/admin/lookup/", "/admin/auth/locale/zh", {"next": "/admin/lookup/"})
    page = client.get("/admin/lookup/?order_id=SO-HOLD").get_data(as_text=True)
    assert "超出信用额度" in page and "原因" in page


def _draft_page(client: Any) -> tuple[str, str]:
    page = client.get("/admin/drafts/").get_data(as_text=True)
    response = client.post("/admin/drafts/credit_approval/new",
                           data={"csrf_token": csrf_token(page)})
    url = response.headers["Location"]
    return url, client.get(url).get_data(as_text=True)


def test_the_editor_shows_which_rules_have_remedies_on_which_levers(
        app: Flask, users: dict[str, str]) -> None:
    _url, page = _draft_page(login(app, users["risk_manager"]))
    table = page.split('id="rule-levers"')[1].split("</table>")[0]
    rows = dict(re.findall(r'<tr data-rule="([a-z_]+)"[^>]*>(.*?)</tr>', table, re.S))
    assert 'data-lever="order_amount"' in rows["over_limit"]
    assert 'data-lever="overdue"' in rows["long_overdue"]
    assert 'data-lever="review"' in rows["review_lapsed"]
    assert "data-no-lever" in rows["cash_in_advance"] and "data-lever" not in \
        rows["cash_in_advance"]


def _row_form(page: str, **changes: str) -> dict[str, str]:
    """The editor's row inputs as submitted by a browser, with `changes` applied."""
    data = dict(re.findall(r'name="(rules-\d+-[^"]+|row_count)" value="([^"]*)"', page))
    data.update(re.findall(r'name="(rules-\d+-[^"]+)"[^>]*>([^<]*)</textarea>', page))
    for name, options in re.findall(r'<select[^>]*name="(rules-\d+-[^"]+)"[^>]*>(.*?)</select>',
                                    page, re.S):  # a choice sends its selected option
        data[name] = re.findall(r'<option value="([^"]*)" selected', options)[0]
    data = {k: v for k, v in data.items() if not k.endswith("-delete")}  # unchecked boxes
    data["description"] = "edited"
    data["csrf_token"] = csrf_token(page)
    return {k: html.unescape(v) for k, v in data.items()} | changes  # as a browser sends it


def test_a_rule_with_a_syntax_error_is_shown_under_its_field_and_four_eyes_publish_it(
        app: Flask, users: dict[str, str]) -> None:
    author = login(app, users["risk_manager"])
    url, page = _draft_page(author)
    row = re.findall(r'name="rules-(\d+)-name" value="over_limit"', page)[0]  # by name: rules move
    bad = author.post(url + "/save",
                      data=_row_form(page, **{f"rules-{row}-when": "order.amount >"}))
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "data-field" in html, re.findall(r"(?s)alert-danger[^>]*>(.{0,300})", html)
    assert 'class="field-error" data-field="when"' in html and "expected" in html
    good = author.post(url + "/save", data=_row_form(page, **{
        f"rules-{row}-when": "order.amount + exposure.total - customer.credit_limit - "
                        "customer.collateral > customer.credit_limit * 0.2"}))
    # the same meaning as the shipped over_limit: the cases still pass
    assert good.status_code == 302
    submitted = post_form(author, url, url + "/submit", {})
    assert "was submitted for approval" in author.get(submitted.headers["Location"]).get_data(
        as_text=True)
    refused = post_form(author, url, url + "/approve", {})
    assert "four eyes" in author.get(refused.headers["Location"]).get_data(as_text=True)
    second = login(app, "second-risk")
    approved = post_form(second, url, url + "/approve", {"note": "ok"})
    assert "Published as" in second.get(approved.headers["Location"]).get_data(as_text=True)
    history = second.get("/admin/rulehistory/").get_data(as_text=True)
    assert "v2" in history and "second-risk" in history


def test_the_secret_key_is_generated_once_into_the_instance_folder(tmp_path: Path) -> None:
    first = secret_key(tmp_path)
    assert len(first) > 40 and secret_key(tmp_path) == first
    configured = Settings.from_env({"POLICY_SECRET_KEY": "from-the-environment"}).secret_key
    assert secret_key(tmp_path, configured) == "from-the-environment"


@pytest.mark.parametrize("target", ["/admin/decisions/\r\nSet-Cookie: x=1", "//evil.example/",
                                    "https://evil.example/admin", "/admin\\\\evil.example",
                                    "/v1/customers"])
def test_the_login_follows_no_next_target_off_the_admin(app: Flask, users: dict[str, str],
                                                         target: str) -> None:
    client = app.test_client()
    page = client.get("/admin/auth/login").get_data(as_text=True)
    response = client.post("/admin/auth/login", query_string={"next": target}, data={
        "username": users["auditor"], "password": PASSWORD, "csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("credit_limit", "5000000000000.00", "credit_limit must not exceed 1000000000000.00"),
    ("payment_term_days", "40000", "payment_term_days must be a whole number from 0 to 3650"),
    ("next_review_date", "2300-01-01", "dates must lie from 1970-01-01 to 2199-12-31")])
def test_the_admin_refuses_what_the_api_refuses_and_saves_nothing(
        app: Flask, users: dict[str, str], api: Any, field: str, value: str,
        message: str) -> None:
    client = login(app, users["risk_manager"])
    response = _edit_customer(client, **{field: value})
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    credit = api.call("GET", "/v1/customers/C-1/credit", "auditor").get_json()
    assert credit["credit_limit"] == "1000.00"
    assert credit["next_review_date"] != "2300-01-01"
