"""The rule lifecycle in the admin: a rebase with a conflict, what the approver sees before
approving, the draft's own test cases, discard and rollback; results read through the API."""

from __future__ import annotations

import copy
import html as html_lib
import json
import re
from typing import Any

from flask import Flask

from policy_service.container import Services
from policy_service.services.rules import lifecycle, registry
from tests.conftest import Api
from tests.integration.test_admin_screens import _draft_page, _row_form, users
from tests.integration.test_admin_support import csrf_token, login, post_form

__all__ = ["users"]  # the fixture
BASE = "/v1/rulesets/credit_approval"


def _index(page: str, rule: str) -> int:
    """The row number of `rule` in the editor's rule rows."""
    names = re.findall(r'name="rules-(\d+)-name" value="([^"]*)"', page)
    return int(next(i for i, name in names if name == rule))


def _publish(services: Services, change: Any) -> int:
    """Another pair of risk managers publishes a changed document; the new version."""
    with services.uow() as uow:
        document = copy.deepcopy(registry.get_version(uow.session, "credit_approval").document)
    change(document)
    draft = lifecycle.create_draft(services.uow(), services.rulesets, "credit_approval",
                                   document, "ann")
    lifecycle.submit_draft(services.uow(), services.settings.rules_dir, "credit_approval",
                           draft["draft_id"], "ann")
    return int(lifecycle.approve_draft(services.uow(), services.rulesets,
                                       services.settings.rules_dir, "credit_approval",
                                       draft["draft_id"], "bob")["result_version"])


def _rule(document: dict[str, Any], name: str) -> dict[str, Any]:
    return next(r for r in document["rules"] if r["name"] == name)


def _theirs(document: dict[str, Any]) -> None:
    _rule(document, "over_limit")["priority"] = 41
    _rule(document, "review_lapsed")["description"] = "published meanwhile"


def _text(response: Any) -> str:
    return html_lib.unescape(response.get_data(as_text=True))


def test_a_rebase_conflict_is_resolved_in_the_editor_and_the_approver_sees_diff_and_cases(
        app: Flask, users: dict[str, str], services: Services, api: Api) -> None:
    author = login(app, users["risk_manager"])
    url, page = _draft_page(author)
    row = _index(page, "over_limit")
    assert author.post(url + "/save", data=_row_form(
        page, **{f"rules-{row}-priority": "39"})).status_code == 302
    assert _publish(services, _theirs) == 2

    rebased = author.get(post_form(author, url, url + "/rebase", {}).headers["Location"])
    shown = _text(rebased)
    assert "1 rule(s) were changed on both sides" in shown
    assert 'class="conflict border rounded p-2 mb-2" data-key="rule:over_limit"' in shown
    draft_id = int(url.rsplit("/", 1)[1])
    draft = api.call("GET", f"{BASE}/drafts/{draft_id}", role="auditor").get_json()
    assert (draft["base_version"], draft["rebase_to"]) == (1, 2)
    refused = author.get(post_form(author, url, url + "/submit", {}).headers["Location"])
    assert "unresolved conflict" in _text(refused)

    resolved = post_form(author, url, url + "/resolve",
                         {"key": "rule:over_limit", "take": "ours"})
    assert "All conflicts resolved: the draft is now based on v2." in _text(
        author.get(resolved.headers["Location"]))
    post_form(author, url, url + "/submit", {})
    draft = api.call("GET", f"{BASE}/drafts/{draft_id}", role="auditor").get_json()
    assert (draft["status"], draft["base_version"], draft["conflicts"]) == ("submitted", 2, [])
    assert _rule(draft["document"], "over_limit")["priority"] == 39
    assert _rule(draft["document"], "review_lapsed")["description"] == "published meanwhile"

    approver = login(app, "second-risk")
    review = _text(approver.get(url))
    before = review.index('id="review"')
    assert before < review.index('id="approve-draft"')
    change = re.search(r'data-rule="over_limit" data-field="priority">(.*?)</tr>', review, re.S)
    assert change is not None
    assert re.findall(r"<td[^>]*diff-(?:old|new)[^>]*>([^<]*)</td>", change.group(1)) == [
        "41", "39"]
    summary = re.search(r'id="review-tests-summary"[^>]*>([^<]*)', review)
    assert summary is not None and re.search(r"(\d+) of \1 passed, 0 failed", summary.group(1))
    assert review.count('class="review-case case-passed') >= 10
    assert 'id="review-backtest"' in review
    post_form(approver, url, url + "/approve", {"note": "looked at the diff"})
    published = api.call("GET", BASE, role="auditor").get_json()
    assert published["version"] == 3
    assert _rule(published, "over_limit")["priority"] == 39
    assert _rule(published, "review_lapsed")["description"] == "published meanwhile"


def test_the_author_edits_the_drafts_test_cases_so_a_change_of_behaviour_can_be_submitted(
        app: Flask, users: dict[str, str], api: Api) -> None:
    author = login(app, users["risk_manager"])
    url, page = _draft_page(author)
    row = _index(page, "over_limit")
    author.post(url + "/save", data=_row_form(page, **{f"rules-{row}-then.outcome": "declined"}))
    refused = _text(author.get(post_form(author, url, url + "/submit", {}).headers["Location"]))
    assert "test cases fail" in refused
    page = author.get(url).get_data(as_text=True)
    cases_text = re.search(r'id="cases-json" name="cases"[^>]*>(.*?)</textarea>', page, re.S)
    assert cases_text is not None
    cases = json.loads(html_lib.unescape(cases_text.group(1)))
    draft_id = int(url.rsplit("/", 1)[1])
    report = api.call("POST", f"{BASE}/drafts/{draft_id}/test", role="risk_manager").get_json()
    failing = {c["note"] for c in report["cases"] if c["passed"] is False}
    for case in cases:
        if case["note"] in failing:
            case["expect"]["outcome"] = "declined"

    bad = post_form(author, url, url + "/cases", {"cases": "[{\"note\": 1"})
    assert "not valid JSON" in _text(author.get(bad.headers["Location"]))
    saved = post_form(author, url, url + "/cases", {"cases": json.dumps(cases)})
    assert "test cases were saved" in _text(author.get(saved.headers["Location"]))
    stored = api.call("GET", f"{BASE}/drafts/{draft_id}/cases", role="auditor").get_json()
    assert stored["source"] == "draft" and stored["cases"] == cases
    post_form(author, url, url + "/submit", {})
    assert api.call("GET", f"{BASE}/drafts/{draft_id}",
                    role="auditor").get_json()["status"] == "submitted"


def test_a_rollback_starts_on_the_history_page_and_a_draft_is_discarded(
        app: Flask, users: dict[str, str], services: Services, api: Api) -> None:
    _publish(services, _theirs)
    auditor = login(app, users["auditor"])
    assert "rollback-form" not in auditor.get("/admin/rulehistory/").get_data(as_text=True)
    assert post_form(auditor, "/admin/rulehistory/", "/admin/rulehistory/credit_approval/1/"
                     "rollback", {"note": "x"}).status_code == 403
    risk = login(app, users["risk_manager"])
    history = risk.get("/admin/rulehistory/").get_data(as_text=True)
    assert 'id="rollback-credit_approval-1"' in history
    assert 'id="rollback-credit_approval-2"' not in history  # the published one
    opened = post_form(risk, "/admin/rulehistory/", "/admin/rulehistory/credit_approval/1/"
                       "rollback", {"note": "v2 holds too much"})
    url = opened.headers["Location"]
    draft_id = int(url.rsplit("/", 1)[1])
    draft = api.call("GET", f"{BASE}/drafts/{draft_id}", role="auditor").get_json()
    assert (draft["kind"], draft["status"]) == ("rollback", "draft")
    v1 = api.call("GET", f"{BASE}/versions/1", role="auditor").get_json()
    assert draft["document"]["rules"] == v1["rules"]
    assert api.call("GET", BASE, role="auditor").get_json()["version"] == 2

    gone = post_form(risk, url, url + "/discard", {})
    assert gone.headers["Location"].endswith("/admin/drafts/")
    draft = api.call("GET", f"{BASE}/drafts/{draft_id}", role="auditor").get_json()
    assert draft["status"] == "discarded"
    assert "Discard draft" not in risk.get(url).get_data(as_text=True)


def test_the_chinese_editor_speaks_of_conflicts_and_cases_in_chinese(
        app: Flask, users: dict[str, str], services: Services) -> None:
    author = login(app, users["risk_manager"])
    url, page = _draft_page(author)
    row = _index(page, "over_limit")
    author.post(url + "/save", data=_row_form(page, **{f"rules-{row}-priority": "39"}))
    _publish(services, _theirs)
    post_form(author, url, url + "/rebase", {})
    post_form(author, url, "/admin/auth/locale/zh", {"next": url})
    page = author.get(url).get_data(as_text=True)
    assert "变基到 v2：有 1 个冲突待解决" in page and "保留我的" in page
    assert "采用已发布的" in page and "测试用例" in page
    assert csrf_token(page)
