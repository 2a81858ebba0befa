"""The risk manager's desk: the page's language, the language switch after a POST, money."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from policy_service.container import Services
from tests.integration.test_admin_support import csrf_token, login, make_users, post_form

SCREENS = ("/admin/", "/admin/customers/", "/admin/tiers/", "/admin/changes/",
           "/admin/held/", "/admin/decisions/", "/admin/drafts/", "/admin/rulehistory/",
           "/admin/reviews/", "/admin/stop-supply/", "/admin/legal-cases/",
           "/admin/blacklist/", "/admin/invoices/", "/admin/lookup/")


@pytest.fixture
def users(services: Services, api: Any) -> dict[str, str]:
    """Logins of every role; C-1 (CNY, limit 1,000.00) has one held order of 5,000.00."""
    api.customer("C-1", credit_limit="1000.00")
    assert api.check("SO-HOLD", "5000.00").get_json()["outcome"] == "hold"
    return make_users(services)


def _lang(html: str) -> str:
    found = re.search(r"<html[^>]*\blang=\"([^\"]*)\"", html)
    return found.group(1) if found else ""


def _switch(client: Any, page: str, next_url: str, code: str = "zh") -> Any:
    return client.post(f"/admin/auth/locale/{code}",
                       data={"csrf_token": csrf_token(page), "next": next_url})


def test_every_screen_says_its_language_on_the_html_element(
        app: Flask, users: dict[str, str]) -> None:
    client = login(app, users["risk_manager"])
    assert _lang(client.get("/admin/auth/login").get_data(as_text=True)) in ("en", "zh-Hans")
    for url in SCREENS:
        assert _lang(client.get(url).get_data(as_text=True)) == "en", url
    post_form(client, "/admin/", "/admin/auth/locale/zh", {"next": "/admin/"})
    for url in (*SCREENS, "/admin/no-such-page"):
        assert _lang(client.get(url).get_data(as_text=True)) == "zh-Hans", url


def test_switching_language_after_a_posted_result_shows_the_same_screen_by_get(
        app: Flask, users: dict[str, str]) -> None:
    client = login(app, users["risk_manager"])
    drafts = client.get("/admin/drafts/").get_data(as_text=True)
    editor = client.post("/admin/drafts/credit_approval/new",
                         data={"csrf_token": csrf_token(drafts)}).headers["Location"]
    editor_path = editor.removeprefix("http://localhost")
    for action in ("validate", "test", "backtest", "save"):
        result = client.post(f"{editor_path}/{action}",
                             data={"csrf_token": csrf_token(client.get(editor).get_data(
                                 as_text=True))})
        assert result.status_code in (200, 302, 422), (action, result.status_code)
        switched = _switch(client, result.get_data(as_text=True) or drafts,
                           f"{editor_path}/{action}", "zh" if action != "test" else "en")
        assert switched.status_code == 303, action
        assert switched.headers["Location"].endswith(editor_path), action
        assert client.get(switched.headers["Location"]).status_code == 200


def test_switching_language_on_a_refused_customer_save_stays_on_that_customer(
        app: Flask, users: dict[str, str]) -> None:
    client = login(app, users["risk_manager"])
    form = client.get("/admin/customers/edit/?id=C-1").get_data(as_text=True)
    refused = client.post("/admin/customers/edit/?id=C-1", data={
        "csrf_token": csrf_token(form), "tier": "B", "credit_limit": "-5",
        "collateral_amount": "0", "payment_term_days": "30", "status": "active"})
    assert refused.status_code == 200
    switched = _switch(client, refused.get_data(as_text=True), "/admin/customers/edit/?id=C-1")
    assert switched.status_code == 303
    assert switched.headers["Location"].endswith("/admin/customers/edit/?id=C-1")
    page = client.get(switched.headers["Location"]).get_data(as_text=True)
    assert _lang(page) == "zh-Hans" and 'value="1000.00"' in page


def _table_row(page: str, text: str) -> str:
    found = re.search(r"(?s)<tr[^>]*>(?:(?!</tr>).)*?" + re.escape(text) + r".*?</tr>", page)
    assert found, text
    return found.group(0)


def _book(page: str, currency: str) -> dict[str, str]:
    section = page.split(f'id="book-{currency}"')[1].split("</section>")[0]
    return dict(re.findall(r'data-figure="([a-z_]+)">([^<]*)<', section))


def test_the_dashboard_gives_one_book_per_currency_never_a_sum_across_them(
        app: Flask, users: dict[str, str], api: Any) -> None:
    api.customer("C-JP", name="Nippon KK", currency="JPY", credit_limit="20000000")
    body = api.check("SO-JP", "1000000", customer_id="C-JP", currency="JPY").get_json()
    assert body["outcome"] == "approved", body
    page = login(app, users["risk_manager"]).get("/admin/").get_data(as_text=True)
    cny, jpy = _book(page, "CNY"), _book(page, "JPY")
    assert jpy["exposure"] == "1,000,000 JPY" and jpy["held_orders"] == "0"
    assert cny["exposure"] == "0.00 CNY" and cny["held_orders"] == "1"
    assert cny["overdue_share"] == "–" and cny["provision"] == "0.00 CNY"
    assert "1,000,000.00" not in page  # JPY has no decimals, and no CNY total holds it
    jp_row = page.split('data-customer="C-JP"')[1].split("</tr>")[0]
    assert "Nippon KK" in jp_row and ">5.0%<" in jp_row
    assert page.count('class="policy-chart"') == 6
    assert "/admin/policy-static/vendor/chart.umd.min.js" in page and "cdn" not in page.lower()


def test_a_customer_over_its_limit_shows_its_own_percentage_in_red(
        app: Flask, users: dict[str, str], api: Any) -> None:
    held = api.check("SO-OVER", "1300.00").get_json()  # 30% over: held (up to 20%: prepay)
    assert held["outcome"] == "hold", held
    api.call("POST", f"/v1/credit-checks/{held['decision_id']}/release", role="risk_manager",
             json={"note": "known customer"})
    page = login(app, users["auditor"]).get("/admin/").get_data(as_text=True)
    row = page.split('data-customer="C-1"')[1].split("</tr>")[0]
    assert "text-danger" in row and ">130.0%<" in row
    assert _book(page, "CNY")["over_limit"] == "1"


def test_releasing_a_hold_that_overruns_the_limit_asks_first_with_the_utilization(
        app: Flask, users: dict[str, str], api: Any) -> None:
    api.customer("C-OK", name="Small Order Co", credit_limit="100000.00")
    api.check("SO-SMALL", "10.00", customer_id="C-OK", requested_term_days=365)
    page = login(app, users["risk_manager"]).get("/admin/held/").get_data(as_text=True)
    over = _table_row(page, "SO-HOLD")
    assert "over its limit: 500.0% of the limit, available -4,000.00 CNY" in over
    assert "1,000.00 CNY" in over and "Acme" in over
    small = _table_row(page, "SO-SMALL")
    assert 'data-confirm="Release order SO-SMALL?"' in small and "over its limit" not in small
    assert "Reject order SO-SMALL? This cannot be undone." in small



def test_a_hold_decided_meanwhile_is_refused_in_the_users_language(
        app: Flask, users: dict[str, str]) -> None:
    client = login(app, users["risk_manager"])
    post_form(client, "/admin/", "/admin/auth/locale/zh", {"next": "/admin/"})
    held = client.get("/admin/held/").get_data(as_text=True)
    action = held.split('action="/admin/held/decide/')[1].split('"')[0]
    for _time in range(2):  # two risk managers press Release on the same row
        client.post(f"/admin/held/decide/{action}", data={
            "action": "release", "note": "已核实", "csrf_token": csrf_token(held)})
    page = client.get("/admin/held/").get_data(as_text=True)
    assert "订单 SO-HOLD 已放行。" in page and "此订单已不在暂停状态：已被他人处理。" in page
    assert "only an open hold" not in page
