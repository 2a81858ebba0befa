"""The rule lifecycle in Chromium: a rebase with a conflict resolved in the editor, the
approver's review (diff, test cases, backtest) before approving, the draft's own test
cases, rollback from the history page and discard; every result checked through the API."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import requests

from tests.browser.conftest import log_in, shot
from tests.e2e.conftest import Server

pytestmark = [pytest.mark.browser]
BASE = "/v1/rulesets/credit_approval"
KEYS: dict[str, dict[str, str]] = {}


def _key(server: Server, name: str) -> dict[str, str]:
    """An API key of a risk manager called `name` (the actor four eyes compares)."""
    if name not in KEYS:
        out = server.cli("api-keys", "create", name, "--role", "risk_manager")
        KEYS[name] = {"Authorization": f"Bearer {out.strip().splitlines()[-1]}"}
    return KEYS[name]


def _get(server: Server, path: str) -> Any:
    response = requests.get(server.base_url + path, headers=_key(server, "api-reader"),
                            timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def _post(server: Server, path: str, who: str, body: Any = None) -> Any:
    response = requests.post(server.base_url + path, headers=_key(server, who), json=body,
                             timeout=30)
    assert response.status_code in (200, 201), response.text
    return response.json()


def _rule(document: dict[str, Any], name: str) -> dict[str, Any]:
    return next(r for r in document["rules"] if r["name"] == name)


def _publish_meanwhile(server: Server, change: Any) -> int:
    """Two other risk managers publish a change through the API; the new version."""
    body = _get(server, BASE)
    document = copy.deepcopy({k: body[k] for k in ("name", "description", "rules")})
    change(document)
    draft = _post(server, f"{BASE}/drafts", "api-ann", document)
    _post(server, f"{BASE}/drafts/{draft['draft_id']}/submit", "api-ann")
    approved = _post(server, f"{BASE}/drafts/{draft['draft_id']}/approve", "api-bob")
    return int(approved["result_version"])


def _new_draft(page: Any, server: Server) -> int:
    page.goto(f"{server.base_url}/admin/drafts/")
    page.click("#new-draft-credit_approval")
    page.wait_for_selector("#rows-form")
    return int(page.url.rsplit("/", 1)[1])


def _field(page: Any, rule: str, field: str) -> Any:
    return page.locator(f'tr[data-rule="{rule}"] [name$="-{field}"]').first


def test_a_rebase_with_a_conflict_is_resolved_and_the_approver_reviews_before_publishing(
        browser: Any, server: Server) -> None:
    author = log_in(browser, server, "risk1")
    draft_id = _new_draft(author, server)
    _field(author, "over_limit", "priority").fill("39")
    author.click("#save-rows")
    author.wait_for_selector("text=Saved: the draft is valid.")

    def theirs(document: dict[str, Any]) -> None:
        _rule(document, "over_limit")["priority"] = 41
        _rule(document, "review_lapsed")["description"] = "published meanwhile"

    published = _publish_meanwhile(server, theirs)
    author.reload()
    author.wait_for_selector("#draft-stale")
    author.click("#rebase-draft")
    conflict = author.wait_for_selector('#conflicts .conflict[data-key="rule:over_limit"]')
    assert "changed on both sides" in author.inner_text(".alert-success")
    assert author.locator("#conflicts .conflict").count() == 1  # review_lapsed was merged
    assert "priority" in conflict.inner_text()
    shot(author, "rule-rebase-conflict", readme=True, only="#conflicts")
    draft = _get(server, f"{BASE}/drafts/{draft_id}")
    assert (draft["base_version"], draft["rebase_to"]) == (published - 1, published)

    conflict.query_selector("button.resolve-ours").click()
    author.wait_for_selector(f"text=All conflicts resolved: the draft is now based on "
                             f"v{published}.")
    assert author.locator("#conflicts").count() == 0
    author.click("#submit-draft")
    author.wait_for_selector("#draft-status:has-text('submitted')")
    draft = _get(server, f"{BASE}/drafts/{draft_id}")
    assert (draft["base_version"], draft["status"]) == (published, "submitted")
    assert _rule(draft["document"], "over_limit")["priority"] == 39
    assert _rule(draft["document"], "review_lapsed")["description"] == "published meanwhile"

    approver = log_in(browser, server, "risk2")
    approver.goto(author.url)
    change = approver.wait_for_selector(
        '#review-diff tr[data-rule="over_limit"][data-field="priority"]')
    assert [c.inner_text() for c in change.query_selector_all("td.diff-old, td.diff-new")] == [
        "41", "39"]
    assert approver.locator("#review-diff tr.review-change").count() == 1
    summary = approver.inner_text("#review-tests-summary")
    assert " passed, 0 failed" in summary
    assert approver.locator("#review-tests tr.case-passed").count() >= 10
    assert "recent decisions" in approver.inner_text("#review-backtest")
    review_top = approver.locator("#review").bounding_box()["y"]
    assert review_top < approver.locator("#approve-draft").bounding_box()["y"]
    shot(approver, "rule-approval-review", readme=True, only="#review")
    approver.fill("#approve-draft-note", "diff and cases checked")
    approver.once("dialog", lambda dialog: dialog.accept())
    approver.click("#approve-draft")
    approver.wait_for_selector("text=Published as")
    body = _get(server, BASE)
    assert body["version"] == published + 1
    assert _rule(body, "over_limit")["priority"] == 39
    assert _rule(body, "review_lapsed")["description"] == "published meanwhile"


def test_a_change_of_behaviour_is_submitted_only_with_the_drafts_own_cases_saying_so(
        browser: Any, server: Server) -> None:
    author = log_in(browser, server, "risk1")
    draft_id = _new_draft(author, server)
    _field(author, "over_limit", "then.outcome").select_option("declined")  # a choice
    author.click("#save-rows")
    author.wait_for_selector("text=Saved: the draft is valid.")
    author.click("#submit-draft")
    assert "test cases fail" in author.wait_for_selector(".alert-danger").inner_text()
    assert _get(server, f"{BASE}/drafts/{draft_id}")["status"] == "draft"

    report = _post(server, f"{BASE}/drafts/{draft_id}/test", "api-reader")
    failing = {c["note"] for c in report["cases"] if c["passed"] is False}
    author.click("#cases-tab-link")
    cases = json.loads(author.input_value("#cases-json"))
    for case in cases:
        if case["note"] in failing:
            case["expect"]["outcome"] = "declined"
    author.fill("#cases-json", json.dumps(cases, ensure_ascii=False, indent=2))
    author.click("#save-cases")
    author.wait_for_selector("text=The draft's test cases were saved.")
    assert _get(server, f"{BASE}/drafts/{draft_id}/cases")["source"] == "draft"
    author.click("#submit-draft")
    author.wait_for_selector("#draft-status:has-text('submitted')")
    assert _get(server, f"{BASE}/drafts/{draft_id}")["status"] == "submitted"


def test_a_rollback_starts_from_the_history_page_and_an_unwanted_draft_is_discarded(
        browser: Any, server: Server) -> None:
    def described(document: dict[str, Any]) -> None:
        document["description"] = "a version to roll back from"

    newest = _publish_meanwhile(server, described)
    page = log_in(browser, server, "risk1")
    page.goto(f"{server.base_url}/admin/rulehistory/")
    assert page.locator(f"#rollback-credit_approval-{newest}").count() == 0
    page.fill(f"#rollback-note-credit_approval-{newest - 1}", "the description was wrong")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"#rollback-credit_approval-{newest - 1}")
    page.wait_for_selector("#rows-form")
    draft_id = int(page.url.rsplit("/", 1)[1])
    draft = _get(server, f"{BASE}/drafts/{draft_id}")
    older = _get(server, f"{BASE}/versions/{newest - 1}")
    assert (draft["kind"], draft["status"]) == ("rollback", "draft")
    assert draft["document"]["description"] == older["description"]
    assert _get(server, BASE)["version"] == newest  # nothing published by starting it

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#discard-draft")
    page.wait_for_selector(f"text=Draft {draft_id} was discarded.")
    assert _get(server, f"{BASE}/drafts/{draft_id}")["status"] == "discarded"
    assert _get(server, BASE)["version"] == newest


def test_a_rule_is_added_with_choices_and_a_prepayment_field_no_json_typed(
        browser: Any, server: Server) -> None:
    author = log_in(browser, server, "risk1")
    draft_id = _new_draft(author, server)
    before = author.locator("tr.rule-row").count()
    author.click("#add-rule")
    author.wait_for_selector(f'[name="rules-{before}-name"]')
    p = f"rules-{before}-"
    author.fill(f'[name="{p}name"]', "big_new_order")
    author.fill(f'[name="{p}priority"]', "65")
    author.fill(f'[name="{p}when"]', "order.amount > 800000")
    author.select_option(f'[name="{p}then.outcome"]', "approved_with_conditions")
    author.fill(f'[name="{p}then.code"]', "BIG_ORDER_PREPAY")
    author.fill(f'[name="{p}then.prepayment"]', "25")
    author.fill(f'[name="{p}then.message.zh"]', "大额订单须预付 25%")
    author.fill(f'[name="{p}then.message.en"]', "large order: 25% prepayment")
    author.click("#save-rows")
    author.wait_for_selector("text=Saved: the draft is valid.")
    rules = _get(server, f"{BASE}/drafts/{draft_id}")["document"]["rules"]
    added = _rule({"rules": rules}, "big_new_order")
    assert added["priority"] == 65
    assert added["then"] == {"outcome": "approved_with_conditions", "code": "BIG_ORDER_PREPAY",
                             "conditions": [{"type": "prepayment", "percent": "25"}],
                             "message": {"zh": "大额订单须预付 25%",
                                         "en": "large order: 25% prepayment"}}
    shot(author, "rule-editor-added-rule")


def test_a_rule_moved_up_fires_earlier_and_the_saved_draft_keeps_that_order(
        browser: Any, server: Server) -> None:
    author = log_in(browser, server, "risk2")
    draft_id = _new_draft(author, server)
    before = [r["name"] for r in _get(server, f"{BASE}/drafts/{draft_id}")["document"]["rules"]]
    above = before[before.index("term_exceeds") - 1]
    author.locator('tr[data-rule="term_exceeds"] button.move-up').click()
    author.wait_for_selector("#rows-form")
    shown = author.eval_on_selector_all("tr.rule-row", "rows => rows.map(r => r.dataset.rule)")
    assert shown.index("term_exceeds") == shown.index(above) - 1, shown
    author.click("#save-rows")
    author.wait_for_selector("text=Saved: the draft is valid.")
    rules = _get(server, f"{BASE}/drafts/{draft_id}")["document"]["rules"]
    names = [r["name"] for r in rules]
    assert names.index("term_exceeds") == names.index(above) - 1, names
    priorities = [r["priority"] for r in rules]
    assert priorities == sorted(priorities), rules  # the list is the order the engine fires
    assert _rule({"rules": rules}, "term_exceeds")["priority"] < _rule(
        {"rules": rules}, above)["priority"]
    assert sorted(names) == sorted(before)  # nothing lost or duplicated
