"""Stale drafts, rollback, diffs, immutable versions and who may do what in the rule lifecycle."""

from __future__ import annotations

import copy
import threading
from typing import Any

import pytest

from policy_service.container import Services
from policy_service.services.errors import Conflict
from policy_service.services.rules import lifecycle, registry
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

__all__ = ["rm2"]  # the fixture


def publish(api: Api, document: dict, approver: str, cases: list | None = None) -> int:
    """Draft (with its own cases, if given), submit and approve a document; the new version."""
    draft_id = make_draft(api, document)["draft_id"]
    if cases is not None:
        response = api.call("PUT", f"{BASE}/drafts/{draft_id}/cases", role="risk_manager",
                            json={"cases": cases})
        assert response.status_code == 200, response.get_json()
    assert act(api, draft_id, "submit").status_code == 200
    response = act(api, draft_id, "approve", role=approver)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["result_version"]  # type: ignore[no-any-return]


def test_a_stale_draft_is_refused_until_its_author_rebases_and_keeps_the_published_change(
    api: Api, rm2: str,
) -> None:
    stale = make_draft(api, with_new_rule(published_document(api)))["draft_id"]
    act(api, stale, "submit")
    newer = published_document(api)
    next(r for r in newer["rules"] if r["name"] == "over_limit")["priority"] = 41
    assert publish(api, newer, rm2) == 2

    response = act(api, stale, "approve", role=rm2)
    assert response.status_code == 409
    assert response.get_json()["error"]["message"] == (
        "stale draft: based on v1, published is v2; rebase")
    assert api.call("GET", BASE, role="auditor").get_json()["version"] == 2
    assert act(api, stale, "rebase", role=rm2).status_code == 403

    rebased = act(api, stale, "rebase").get_json()
    assert (rebased["draft"]["base_version"], rebased["draft"]["status"]) == (2, "draft")
    assert rebased["conflicts"] == [] and rebased["taken"] == ["rule:over_limit"]
    assert rebased["diff"]["from"] == {"version": 2}
    assert [r["name"] for r in rebased["diff"]["added"]] == ["new_customer_large_order"]
    assert rebased["diff"]["changed"] == [] and rebased["diff"]["removed"] == []

    act(api, stale, "submit")
    approved = act(api, stale, "approve", role=rm2).get_json()
    assert (approved["status"], approved["result_version"]) == ("published", 3)
    actions = [e["action"] for e in approved["history"]]
    assert actions == ["created", "submitted", "rebased", "submitted", "approved", "published"]
    rules = {r["name"]: r for r in api.call("GET", BASE, role="auditor").get_json()["rules"]}
    assert rules["over_limit"]["priority"] == 41  # v2's change survives
    assert rules["new_customer_large_order"]["when"] == NEW_RULE["when"]  # and the draft's


def test_a_rollback_needs_approval_and_publishes_the_old_document_as_a_new_version(
    api: Api, rm2: str,
) -> None:
    original = published_document(api)
    assert publish(api, with_new_rule(original), rm2) == 2
    response = api.call("POST", f"{BASE}/versions/1/rollback", role="risk_manager",
                        json={"note": "too many holds"})
    assert response.status_code == 201
    draft = response.get_json()
    assert (draft["kind"], draft["status"], draft["base_version"]) == ("rollback", "draft", 2)
    assert api.call("GET", BASE, role="auditor").get_json()["version"] == 2
    act(api, draft["draft_id"], "submit")
    assert act(api, draft["draft_id"], "approve").status_code == 403
    assert act(api, draft["draft_id"], "approve", role=rm2).status_code == 200

    versions = api.call("GET", f"{BASE}/versions", role="auditor").get_json()
    assert [v["version"] for v in versions] == [1, 2, 3]
    assert versions[2]["rules"] == original["rules"]
    assert versions[2]["checksum"] == versions[0]["checksum"]
    assert versions[2]["note"].startswith("rollback to v1")
    assert versions[1]["rules"] != original["rules"]  # history is never rewritten
    drafts = api.call("GET", f"{BASE}/drafts?status=superseded", role="auditor").get_json()
    assert len(drafts) == 1 and drafts[0]["result_version"] == 2


def test_rolling_back_to_the_published_version_is_a_conflict(api: Api) -> None:
    response = api.call("POST", f"{BASE}/versions/1/rollback", role="risk_manager",
                        json={"note": "nothing"})
    assert response.status_code == 409


def test_the_diff_between_versions_lists_added_removed_and_changed_rules_field_by_field(
    api: Api, rm2: str,
) -> None:
    document = with_new_rule(published_document(api))
    document["description"] = "stricter for new customers"
    document["rules"] = [r for r in document["rules"] if r["name"] != "review_lapsed"]
    over = next(r for r in document["rules"] if r["name"] == "over_limit")
    over["then"]["outcome"] = "declined"
    over["then"]["message"]["en"] = "over the limit"
    publish(api, document, rm2, cases=[])  # the shipped cases expect v1's behaviour

    diff = api.call("GET", f"{BASE}/versions/1/diff/2", role="auditor").get_json()
    assert (diff["from"], diff["to"]) == ({"version": 1}, {"version": 2})
    assert diff["description"]["new"] == "stricter for new customers"
    assert [r["name"] for r in diff["added"]] == ["new_customer_large_order"]
    assert diff["added"][0]["when"] == NEW_RULE["when"]
    assert [r["name"] for r in diff["removed"]] == ["review_lapsed"]
    assert diff["changed"] == [{"rule": "over_limit", "fields": {
        "then.message.en": {"old": published_document_v1_message(api), "new": "over the limit"},
        "then.outcome": {"old": "hold", "new": "declined"},
    }}]
    back = api.call("GET", f"{BASE}/versions/2/diff/1", role="risk_manager").get_json()
    assert [r["name"] for r in back["added"]] == ["review_lapsed"]
    assert api.call("GET", f"{BASE}/versions/1/diff/9", role="auditor").status_code == 404


def published_document_v1_message(api: Api) -> str:
    """over_limit's English message in version 1."""
    rules = api.call("GET", f"{BASE}/versions/1", role="auditor").get_json()["rules"]
    return str(next(r for r in rules if r["name"] == "over_limit")["then"]["message"]["en"])


def test_a_published_version_cannot_be_edited(api: Api) -> None:
    for method in ("PUT", "PATCH", "DELETE"):
        response = api.call(method, f"{BASE}/versions/1", role="risk_manager",
                            json=published_document(api))
        assert response.status_code == 405
        assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert api.call("GET", f"{BASE}/versions/1", role="auditor").get_json()["version"] == 1


WRITES = [
    ("POST", "/drafts"), ("PUT", "/drafts/{id}"), ("PATCH", "/drafts/{id}"),
    ("POST", "/drafts/{id}/test"), ("POST", "/drafts/{id}/backtest"),
    ("POST", "/drafts/{id}/submit"), ("POST", "/drafts/{id}/approve"),
    ("POST", "/drafts/{id}/reject"), ("POST", "/drafts/{id}/rebase"),
    ("POST", "/versions/1/rollback"),
]


@pytest.mark.parametrize("role", ["order_system", "sales", "auditor"])
def test_only_risk_managers_may_change_rules_every_other_role_gets_403(api: Api, role: str
                                                                        ) -> None:
    draft_id = make_draft(api, published_document(api))["draft_id"]
    body = {**published_document(api), "note": "x"}
    for method, path in WRITES:
        url = BASE + path.format(id=draft_id)
        response = api.call(method, url, role=role, json=copy.deepcopy(body))
        assert response.status_code == 403, (method, url)
        assert response.get_json()["error"]["code"] == "forbidden"
    draft = api.call("GET", f"{BASE}/drafts/{draft_id}", role="auditor").get_json()
    assert (draft["status"], [e["action"] for e in draft["history"]]) == ("draft", ["created"])


@pytest.mark.parametrize(("role", "status"), [("auditor", 200), ("risk_manager", 200),
                                              ("sales", 403), ("order_system", 403)])
def test_auditors_and_risk_managers_read_drafts_and_diffs_others_get_403(
    api: Api, role: str, status: int,
) -> None:
    draft_id = make_draft(api, published_document(api))["draft_id"]
    for path in ("/drafts", f"/drafts/{draft_id}", f"/drafts/{draft_id}/diff",
                 "/versions/1/diff/1"):
        assert api.call("GET", BASE + path, role=role).status_code == status, path


def test_an_unknown_draft_or_rule_set_is_404(api: Api) -> None:
    assert api.call("GET", f"{BASE}/drafts/999", role="auditor").status_code == 404
    missing = api.call("POST", "/v1/rulesets/nope/drafts", role="risk_manager",
                       json=published_document(api))
    assert missing.status_code == 404


def test_malformed_json_is_400_and_a_non_object_document_is_422(api: Api) -> None:
    response = api.client.post(f"{BASE}/drafts", data="{not json",
                               headers={**api.keys["risk_manager"],
                                        "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"
    listed = api.call("POST", f"{BASE}/drafts", role="risk_manager", json=[1, 2])
    assert listed.status_code == 422


def test_two_approvals_racing_from_the_same_base_publish_one_version_and_refuse_the_other(
    services: Services,
) -> None:
    document = published_document_of(services)
    first = lifecycle.create_draft(services.uow(), services.rulesets, "credit_approval",
                                   with_new_rule(document), "ann")
    other = copy.deepcopy(document)
    other["description"] = "another change"
    second = lifecycle.create_draft(services.uow(), services.rulesets, "credit_approval", other,
                                    "ann")
    for draft in (first, second):
        lifecycle.submit_draft(services.uow(), services.settings.rules_dir, "credit_approval",
                               draft["draft_id"], "ann")
    outcomes: list[str] = []

    def approve(draft_id: int) -> None:
        try:
            lifecycle.approve_draft(services.uow(), services.rulesets,
                                    services.settings.rules_dir, "credit_approval", draft_id,
                                    "bob")
            outcomes.append("published")
        except Conflict as exc:
            outcomes.append(exc.message)

    threads = [threading.Thread(target=approve, args=(d["draft_id"],)) for d in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["published", "stale draft: based on v1, published is v2; rebase"]
    with services.uow() as uow:
        assert [v.version for v in registry.list_versions(uow.session, "credit_approval")] == [
            1, 2]


def published_document_of(services: Services) -> dict[str, Any]:
    """The published credit_approval document, through the service layer."""
    with services.uow() as uow:
        return dict(registry.get_version(uow.session, "credit_approval").document)


def _escalation_draft(api: Api) -> int:
    body = api.call("GET", "/v1/rulesets/escalation", role="auditor").get_json()
    document = {"name": "escalation", "description": body["description"], "rules": body["rules"]}
    created = api.call("POST", "/v1/rulesets/escalation/drafts", role="risk_manager",
                       json=document)
    assert created.status_code == 201, created.get_json()
    return int(created.get_json()["draft_id"])


def test_other_rule_sets_take_drafts_too_and_their_shipped_cases_are_checked(api: Api) -> None:
    draft_id = _escalation_draft(api)
    report = api.call("POST", f"/v1/rulesets/escalation/drafts/{draft_id}/test",
                      role="risk_manager").get_json()
    assert report["total"] >= 10 and report["passed"] == report["total"]
    assert (report["failed"], report["unchecked"]) == (0, 0)
    assert all("matched" in case["actual"] for case in report["cases"])


def test_a_failing_case_of_a_non_credit_kind_is_reported_by_test_draft(api: Api) -> None:
    draft_id = _escalation_draft(api)
    facts = {"invoice": {"days_from_due": 1, "amount": "1000.00", "outstanding": "1000.00",
                         "penalty_accrued": "0.00", "currency": "CNY", "number": "INV-1",
                         "due_date": "2026-03-01"},
             "customer": {"tier": "B", "status": "active", "name": "Acme", "grace_days": 3},
             "penalty": {"daily_rate_percent": "0.05", "cap_percent": "15"},
             "instalment": {"days_late": 0}}
    case = {"note": "a day past due goes straight to court", "facts": facts,
            "expect": {"message_rule": "legal_action", "actions": ["legal_case"]}}
    report = api.call("POST", f"/v1/rulesets/escalation/drafts/{draft_id}/test",
                      role="risk_manager", json={"cases": [case]}).get_json()
    assert report["failed"] == 1
    failed = next(c for c in report["cases"] if c["source"] == "request")
    assert failed["passed"] is False
    assert failed["actual"]["message_rule"] != "legal_action"
    assert [f.split(":")[0] for f in failed["failures"]] == ["message_rule", "actions"]
