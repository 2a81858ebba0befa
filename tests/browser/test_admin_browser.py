"""In a real browser: four eyes on a rule change, the auditor's diff, the salesperson's Chinese."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import requests

from tests.browser.conftest import DIALOGS, in_chinese, log_in, shot
from tests.e2e.conftest import Server

# The tests are one story (draft, approval, audit, sales) on one server, in file order;
# `make test` runs pytest with --dist loadfile so xdist keeps a file on one worker.
pytestmark = [pytest.mark.browser]
FLOW: dict[str, Any] = {}
OVER_LIMIT = ("exposure.total + order.amount - customer.credit_limit - customer.collateral"
              " > customer.credit_limit * 0.2")


def _api(server: Server) -> dict[str, str]:
    if "key" not in FLOW:
        FLOW["key"] = server.key("order_system")
    return FLOW["key"]


def _check(server: Server, order: str, amount: str) -> dict[str, Any]:
    response = requests.post(f"{server.base_url}/v1/credit-checks", headers=_api(server), json={
        "order_id": order, "customer_id": "C-WEB", "amount": amount, "currency": "CNY"},
        timeout=10)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_a_risk_manager_sees_the_syntax_error_at_the_field_fixes_it_backtests_and_submits(
        browser: Any, server: Server) -> None:
    requests.put(f"{server.base_url}/v1/customers/C-WEB", headers=_api(server), json={
        "name": "Web Co", "tier": "B", "credit_limit": "1000.00", "currency": "CNY"},
        timeout=10).raise_for_status()
    assert _check(server, "SO-WEB-1", "5000.00")["outcome"] == "hold"
    _check(server, "SO-WEB-2", "100.00")
    page = log_in(browser, server, "risk1")
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-aging-CNY')")
    shot(page, "dashboard-small-book")
    page.goto(f"{server.base_url}/admin/drafts/")
    page.click("#new-draft-credit_approval")
    page.wait_for_selector("#rows-form")
    FLOW["draft_url"] = page.url
    over_limit = 'tr.rule-row[data-rule="over_limit"]'  # found by name: rules move
    page.fill(f'{over_limit} textarea[name$="-when"]', "exposure.total + order.amount >")
    page.click("#save-rows")
    error = page.wait_for_selector('tr[data-rule="over_limit"] .field-error[data-field="when"]')
    assert "expected" in error.inner_text()
    shot(page, "rule-editor-error", readme=True)
    page.fill(f'{over_limit} textarea[name$="-when"]', OVER_LIMIT)
    english = page.input_value(f'{over_limit} input[name$="-then.message.en"]')
    chinese = page.input_value(f'{over_limit} input[name$="-then.message.zh"]')
    page.fill(f'{over_limit} input[name$="-then.message.en"]', "[v2] " + english)
    page.fill(f'{over_limit} input[name$="-then.message.zh"]', "[v2] " + chinese)
    page.click("#save-rows")
    page.wait_for_selector("text=Saved: the draft is valid.")
    page.click("#backtest-draft")
    assert "would be decided differently" in page.wait_for_selector(
        "#backtest-result").inner_text()
    shot(page, "rule-editor-backtest")
    page.click("#submit-draft")
    page.wait_for_selector("#draft-status:has-text('submitted')")


def test_a_second_risk_manager_approves_and_the_next_check_carries_the_new_version(
        browser: Any, server: Server) -> None:
    page = log_in(browser, server, "risk2")
    page.goto(FLOW["draft_url"])
    assert "0 failed" in page.inner_text("#review-tests-summary")  # seen before approving
    page.fill("#approve-draft-note", "four eyes: looks right")
    page.once("dialog", lambda dialog: dialog.accept())  # "publish this draft?"
    page.click("#approve-draft")
    page.wait_for_selector("text=Published as")
    assert DIALOGS[-1].startswith("Publish")  # it asked before publishing
    shot(page, "rule-editor-approved")
    decision = _check(server, "SO-WEB-3", "9000.00")
    FLOW["order"] = "SO-WEB-3"
    assert decision["ruleset"]["version"] == 2
    assert any(r["message"]["en"].startswith("[v2]") for r in decision["reasons"])


def test_an_auditor_sees_the_diff_and_cannot_change_anything(browser: Any,
                                                              server: Server) -> None:
    page = log_in(browser, server, "auditor1")
    page.goto(f"{server.base_url}/admin/rulehistory/credit_approval/diff?old=1&new=2")
    changed = page.wait_for_selector("#diff tr.diff-changed")
    assert "over_limit" in changed.inner_text()
    shot(page, "rule-history-diff")
    page.goto(FLOW["draft_url"])
    assert page.locator("#save-rows, #approve-draft, #submit-draft").count() == 0
    for path in ("/admin/drafts/credit_approval/new", FLOW["draft_url"] + "/approve",
                 "/admin/customers/edit/?id=C-WEB"):
        url = path if path.startswith("http") else server.base_url + path
        assert page.request.post(url, form={"note": "x"}).status == 403, path


def test_a_salesperson_reads_the_reasons_in_chinese(browser: Any, server: Server) -> None:
    page = log_in(browser, server, "sales1")
    # 9,000.00 against a 1,000.00 limit with 100.00 reserved: 900.00 fits, 8,100.00 is over
    page.goto(f"{server.base_url}/admin/lookup/?order_id={FLOW['order']}")
    remedies = page.wait_for_selector("#decision-remedies").inner_text()
    assert "reduce the order to 900.00 CNY or less to be approved" in remedies
    assert "prepay 8,100.00 CNY to be approved" in remedies
    in_chinese(page)
    page.goto(f"{server.base_url}/admin/lookup/?order_id={FLOW['order']}")
    reasons = page.wait_for_selector("#decision-reasons").inner_text()
    assert "[v2] 超出信用额度" in reasons
    assert "原因" in page.content()
    remedies = page.wait_for_selector("#decision-remedies").inner_text()
    assert "将订单金额降至 900.00 CNY 以下即可批准" in remedies
    assert "预付 8,100.00 CNY 后可批准" in remedies
    assert "怎样才能获批" in page.content()  # the look-up's heading
    shot(page, "sales-lookup-zh", readme=True)
    assert page.request.get(f"{server.base_url}/admin/decisions/").status == 403


def test_a_risk_manager_approves_a_review_proposal_from_the_queue(browser: Any,
                                                                   server: Server) -> None:
    requests.put(f"{server.base_url}/v1/customers/C-REV", headers=_api(server), json={
        "name": "Review Co", "tier": "A", "credit_limit": "50000.00", "currency": "CNY"},
        timeout=10).raise_for_status()
    later = (date.today() + timedelta(days=400)).isoformat()  # its review date has come
    server.cli("clock", "set", later)
    server.cli("daily", "--as-of", later)
    page = log_in(browser, server, "risk1")
    page.goto(f"{server.base_url}/admin/reviews/")
    row = page.wait_for_selector('tr.review-row[data-customer="C-REV"]')
    review_id = row.get_attribute("data-review")
    row.query_selector('input[name="note"]').fill("reviewed with the account owner")
    row.query_selector('button[value="approve"]').click()
    decided = page.wait_for_selector(f'#decided-reviews tr[data-review="{review_id}"]')
    assert "reviewed with the account owner" in decided.inner_text()
    assert page.locator('tr.review-row[data-customer="C-REV"]').count() == 0
    shot(page, "review-queue")
    reviews = requests.get(f"{server.base_url}/v1/customers/C-REV/reviews",
                           headers=server.key("auditor"), timeout=10).json()["reviews"]
    assert reviews[-1]["status"] in ("approved", "applied")
