"""Rebase as a three-way merge, the draft's own test cases as a gate, and discarding a draft."""

from __future__ import annotations

import copy

from tests.conftest import Api
from tests.integration.test_rule_lifecycle import (
    BASE,
    NEW_RULE,
    act,
    make_draft,
    published_document,
    rm2,
    with_new_rule,
)
from tests.integration.test_rule_lifecycle_history import publish

__all__ = ["rm2"]  # the fixture


def rule_of(document: dict, name: str) -> dict:
    return next(r for r in document["rules"] if r["name"] == name)


def test_a_rule_changed_on_both_sides_is_a_conflict_and_nothing_is_reverted(
    api: Api, rm2: str,
) -> None:
    mine = with_new_rule(published_document(api))
    rule_of(mine, "over_limit")["priority"] = 39
    draft_id = make_draft(api, mine)["draft_id"]
    theirs = published_document(api)
    rule_of(theirs, "over_limit")["priority"] = 41
    rule_of(theirs, "review_lapsed")["description"] = "published meanwhile"
    publish(api, theirs, rm2)

    rebased = act(api, draft_id, "rebase").get_json()
    assert [c["key"] for c in rebased["conflicts"]] == ["rule:over_limit"]
    conflict = rebased["conflicts"][0]
    assert (conflict["base"]["priority"], conflict["ours"]["priority"],
            conflict["theirs"]["priority"]) == (40, 39, 41)
    assert conflict["fields"] == {"priority": {"old": 39, "new": 41}}
    assert rebased["taken"] == ["rule:review_lapsed"]
    draft = rebased["draft"]
    assert (draft["base_version"], draft["rebase_to"], draft["stale"]) == (1, 2, True)
    assert rule_of(draft["document"], "review_lapsed")["description"] == "published meanwhile"

    refused = act(api, draft_id, "submit")
    assert refused.status_code == 409
    assert refused.get_json()["error"]["fields"]["conflicts"] == ["rule:over_limit"]
    assert act(api, draft_id, "resolve", role=rm2,
               json={"key": "rule:over_limit", "take": "ours"}).status_code == 403
    unknown = act(api, draft_id, "resolve", json={"key": "rule:nope", "take": "ours"})
    assert unknown.status_code == 404

    resolved = act(api, draft_id, "resolve", json={"key": "rule:over_limit", "take": "ours"})
    assert resolved.status_code == 200, resolved.get_json()
    draft = resolved.get_json()["draft"]
    assert (draft["base_version"], draft["rebase_to"], draft["conflicts"], draft["stale"]) == (
        2, None, [], False)
    assert resolved.get_json()["diff"]["changed"] == [
        {"rule": "over_limit", "fields": {"priority": {"old": 41, "new": 39}}}]

    assert act(api, draft_id, "submit").status_code == 200
    assert act(api, draft_id, "approve", role=rm2).status_code == 200
    rules = {r["name"]: r for r in api.call("GET", BASE, role="auditor").get_json()["rules"]}
    assert rules["over_limit"]["priority"] == 39  # the author chose theirs over v2's, openly
    assert rules["review_lapsed"]["description"] == "published meanwhile"
    assert rules[NEW_RULE["name"]]["when"] == NEW_RULE["when"]
    history = api.call("GET", f"{BASE}/drafts/{draft_id}", role="auditor").get_json()["history"]
    assert [e["action"] for e in history][:4] == [
        "created", "rebase_conflicts", "conflict_resolved", "rebased"]


def test_taking_the_published_side_of_a_deleted_rule_deletes_it_from_the_draft(
    api: Api, rm2: str,
) -> None:
    mine = published_document(api)
    rule_of(mine, "review_lapsed")["priority"] = 77
    draft_id = make_draft(api, mine)["draft_id"]
    theirs = published_document(api)
    theirs["rules"] = [r for r in theirs["rules"] if r["name"] != "review_lapsed"]
    publish(api, theirs, rm2, cases=[])
    conflict = act(api, draft_id, "rebase").get_json()["conflicts"][0]
    assert (conflict["key"], conflict["theirs"]) == ("rule:review_lapsed", None)
    body = act(api, draft_id, "resolve",
               json={"key": "rule:review_lapsed", "take": "theirs"}).get_json()
    assert "review_lapsed" not in [r["name"] for r in body["draft"]["document"]["rules"]]
    assert body["diff"]["identical"] is True


def test_a_draft_whose_cases_fail_cannot_be_submitted_until_its_cases_say_what_it_does(
    api: Api, rm2: str,
) -> None:
    document = published_document(api)
    rule_of(document, "over_limit")["then"]["outcome"] = "declined"
    draft_id = make_draft(api, document)["draft_id"]
    report = act(api, draft_id, "test").get_json()
    assert report["failed"] > 0 and report["source"] == "credit_approval.cases.json"
    refused = act(api, draft_id, "submit")
    assert refused.status_code == 409
    failing = refused.get_json()["error"]["fields"]["failing_cases"]
    assert failing == [c["note"] for c in report["cases"] if c["passed"] is False]

    shipped = api.call("GET", f"{BASE}/drafts/{draft_id}/cases", role="auditor").get_json()
    cases = copy.deepcopy(shipped["cases"])
    for case in cases:
        if case["note"] in failing:
            case["expect"]["outcome"] = "declined"
    bad = api.call("PUT", f"{BASE}/drafts/{draft_id}/cases", role="risk_manager",
                   json={"cases": [{"note": "no facts"}]})
    assert bad.status_code == 422
    assert api.call("PUT", f"{BASE}/drafts/{draft_id}/cases", role=rm2,
                    json={"cases": cases}).status_code == 403
    stored = api.call("PUT", f"{BASE}/drafts/{draft_id}/cases", role="risk_manager",
                      json={"cases": cases})
    assert stored.status_code == 200 and stored.get_json()["own_cases"] is True
    retest = act(api, draft_id, "test").get_json()
    assert (retest["source"], retest["failed"]) == ("draft", 0), retest
    assert act(api, draft_id, "submit").status_code == 200
    assert act(api, draft_id, "approve", role=rm2).status_code == 200


def test_the_author_discards_an_open_draft_and_it_stays_in_the_history(
    api: Api, rm2: str,
) -> None:
    draft_id = make_draft(api, with_new_rule(published_document(api)))["draft_id"]
    assert act(api, draft_id, "discard", role=rm2).status_code == 403
    discarded = act(api, draft_id, "discard", json={"note": "not needed"})
    assert discarded.status_code == 200
    assert discarded.get_json()["status"] == "discarded"
    assert act(api, draft_id, "submit").status_code == 409
    assert act(api, draft_id, "discard").status_code == 409
    listed = api.call("GET", f"{BASE}/drafts?status=discarded", role="auditor").get_json()
    assert [d["draft_id"] for d in listed] == [draft_id]
    assert listed[0]["history"][-1]["note"] == "not needed"
    assert api.call("GET", BASE, role="auditor").get_json()["version"] == 1
