"""The rule lifecycle over the API: draft, test, backtest, submit, four-eyes approval, publish."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from policy_service.container import Services
from policy_service.services.access.credentials import create_api_key
from tests.conftest import Api

BASE = "/v1/rulesets/credit_approval"
SECOND = "second_risk_manager"


@pytest.fixture
def rm2(api: Api, services: Services) -> str:
    """A second risk manager key (the four eyes), usable as api.call(..., role=rm2)."""
    key = create_api_key(services.uow(), "rm-two", "risk_manager")
    api.keys[SECOND] = {"Authorization": f"Bearer {key}"}
    return SECOND


def published_document(api: Api) -> dict[str, Any]:
    """The published credit_approval document (name, description, rules)."""
    body = api.call("GET", BASE, role="auditor").get_json()
    return {"name": body["name"], "description": body["description"], "rules": body["rules"]}


NEW_RULE = {
    "name": "new_customer_large_order",
    "description": "Customers younger than 90 days wait for a person on orders over 50,000.",
    "priority": 45,
    "when": "customer.age_days < 90 and order.amount > 50000",
    "then": {"outcome": "hold", "code": "NEW_CUSTOMER_LARGE_ORDER", "conditions": [],
             "message": {"zh": "新客户大额订单 {order.amount} {order.currency}，需人工审核",
                         "en": "large order {order.amount} {order.currency} from a new "
                               "customer; a person decides"}},
}


def with_new_rule(document: dict[str, Any]) -> dict[str, Any]:
    """The document plus a rule holding large orders of new customers."""
    changed = copy.deepcopy(document)
    changed["rules"].insert(4, copy.deepcopy(NEW_RULE))
    return changed


def make_draft(api: Api, document: dict[str, Any], role: str = "risk_manager") -> dict[str, Any]:
    """POST a draft and return its body (asserting 201)."""
    response = api.call("POST", f"{BASE}/drafts", role=role, json=document)
    assert response.status_code == 201, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def act(api: Api, draft_id: int, action: str, role: str = "risk_manager",
        json: Any = None) -> Any:
    """POST …/drafts/{id}/{action}."""
    return api.call("POST", f"{BASE}/drafts/{draft_id}/{action}", role=role, json=json)


def test_a_draft_approved_by_a_second_risk_manager_decides_the_next_credit_check(
    api: Api, rm2: str,
) -> None:
    api.customer(credit_limit="200000.00")
    assert api.check("SO-1", "30000.00").get_json()["outcome"] == "approved"
    assert api.check("SO-2", "60000.00").get_json()["outcome"] == "approved"

    draft = make_draft(api, with_new_rule(published_document(api)))
    assert (draft["status"], draft["base_version"]) == ("draft", 1)
    draft_id = draft["draft_id"]

    report = act(api, draft_id, "test").get_json()
    assert report["total"] >= 12 and report["failed"] == 0

    replay = act(api, draft_id, "backtest", json={"limit": 100}).get_json()
    assert (replay["replayed"], replay["changed"]) == (2, 1)
    assert replay["by_outcome"] == {"approved→hold": 1}
    assert replay["customers"] == ["C-1"]
    assert replay["customer_names"] == {"C-1": "Acme"}
    example = replay["examples"][0]
    assert (example["customer_id"], example["customer_name"]) == ("C-1", "Acme")
    assert (example["order_id"], example["from"], example["to"]) == ("SO-2", "approved", "hold")
    assert example["reasons_from"] == ["WITHIN_POLICY"]
    assert example["reasons_to"] == ["NEW_CUSTOMER_LARGE_ORDER"]

    assert act(api, draft_id, "submit", json={"note": "new customers"}).get_json()[
        "status"] == "submitted"
    seen = api.call("GET", f"{BASE}/drafts/{draft_id}/diff", role=rm2).get_json()
    assert [r["name"] for r in seen["added"]] == ["new_customer_large_order"]
    assert (seen["removed"], seen["changed"]) == ([], [])
    approved = act(api, draft_id, "approve", role=rm2)
    assert approved.status_code == 200, approved.get_json()
    assert (approved.get_json()["status"], approved.get_json()["result_version"]) == (
        "published", 2)

    published = api.call("GET", BASE, role="auditor").get_json()
    assert (published["version"], published["approved_by"]) == (2, "rm-two")
    assert published["published_by"] == "risk_manager-key"

    decision = api.check("SO-3", "70000.00").get_json()
    assert decision["ruleset"]["version"] == 2
    assert decision["outcome"] == "hold"
    assert [r["code"] for r in decision["reasons"]] == ["NEW_CUSTOMER_LARGE_ORDER"]

    history = api.call("GET", f"{BASE}/drafts/{draft_id}", role="auditor").get_json()["history"]
    assert [e["action"] for e in history] == [
        "created", "tested", "backtested", "submitted", "approved", "published"]
    assert [e["actor"] for e in history][-2:] == ["rm-two", "rm-two"]


def test_a_case_in_the_request_that_the_draft_decides_otherwise_fails_with_expected_and_actual(
    api: Api,
) -> None:
    draft = make_draft(api, with_new_rule(published_document(api)))
    facts = {
        "order": {"amount": "60000.00", "currency": "CNY", "requested_term_days": 30},
        "customer": {"tier": "B", "status": "active", "credit_limit": "200000.00",
                     "collateral": "0.00", "payment_term_days": 60, "age_days": 10,
                     "review_overdue": False, "written_off_365d": "0.00", "disputed_amount": "0.00",
                     "broken_plans_365d": 0},
        "exposure": {"open_receivables": "0.00", "reserved_orders": "0.00", "total": "0.00"},
        "overdue": {"amount": "0.00", "oldest_days": 0, "invoice_count": 0},
    }
    case = {"note": "a new customer's big order", "facts": facts,
            "expect": {"outcome": "approved", "codes": ["WITHIN_POLICY"]}}
    report = act(api, draft["draft_id"], "test", json={"cases": [case]}).get_json()
    assert report["failed"] == 1
    failed = next(c for c in report["cases"] if not c["passed"])
    assert failed["note"] == "a new customer's big order"
    assert failed["expected"]["outcome"] == "approved"
    assert failed["actual"]["outcome"] == "hold"
    assert failed["actual"]["codes"] == ["NEW_CUSTOMER_LARGE_ORDER"]


def test_the_author_approving_their_own_draft_is_refused_and_nothing_is_published(
    api: Api,
) -> None:
    draft_id = make_draft(api, with_new_rule(published_document(api)))["draft_id"]
    act(api, draft_id, "submit")
    response = act(api, draft_id, "approve")
    assert response.status_code == 403
    assert "another risk manager must approve" in response.get_json()["error"]["message"]
    assert api.call("GET", BASE, role="auditor").get_json()["version"] == 1


def test_an_invalid_draft_is_refused_with_every_error_located_and_nothing_is_stored(
    api: Api,
) -> None:
    document = with_new_rule(published_document(api))
    document["rules"][0]["when"] = "customer.status == "
    document["rules"][4]["when"] = "customer.shoe_size > 3"
    document["rules"][5]["priority"] = "high"
    response = api.call("POST", f"{BASE}/drafts", role="risk_manager", json=document)
    assert response.status_code == 422
    errors = response.get_json()["error"]["fields"]["rules"]
    located = {(e["rule"], e["field"]) for e in errors}
    assert {("blacklisted", "when"), ("new_customer_large_order", "when")} <= located
    assert any(e["field"] == "priority" for e in errors)
    unknown = next(e for e in errors if e["rule"] == "new_customer_large_order")
    assert "shoe_size" in unknown["message"] and unknown["line"] == 1 and unknown["column"] > 0
    assert api.call("GET", f"{BASE}/drafts", role="risk_manager").get_json() == []


def test_a_draft_named_after_another_rule_set_is_refused_at_the_name(api: Api) -> None:
    document = published_document(api)
    document["name"] = "escalation_x"
    response = api.call("POST", f"{BASE}/drafts", role="risk_manager", json=document)
    assert response.status_code == 422
    errors = response.get_json()["error"]["fields"]["rules"]
    assert any(e["field"] == "name" and "credit_approval" in e["message"] for e in errors)


def test_the_author_edits_a_draft_until_submit_and_then_it_is_immutable(api: Api, rm2: str
                                                                         ) -> None:
    draft_id = make_draft(api, published_document(api))["draft_id"]
    path = f"{BASE}/drafts/{draft_id}"
    published = published_document(api)
    edited = api.call("PUT", path, role="risk_manager", json=with_new_rule(published))
    assert edited.status_code == 200
    shipped_and_new = len(published["rules"]) + 1
    assert len(edited.get_json()["document"]["rules"]) == shipped_and_new
    patched = api.call("PATCH", path, role="risk_manager", json={"description": "new words"})
    assert patched.get_json()["document"]["description"] == "new words"
    assert len(patched.get_json()["document"]["rules"]) == shipped_and_new
    bad = api.call("PATCH", path, role="risk_manager", json={"rules": []})
    assert bad.status_code == 422
    assert api.call("GET", path, role="auditor").get_json()["document"]["description"] == (
        "new words")
    assert api.call("PUT", path, role=rm2, json=published_document(api)).status_code == 403
    act(api, draft_id, "submit")
    response = api.call("PUT", path, role="risk_manager", json=published_document(api))
    assert response.status_code == 409
    assert "immutable" in response.get_json()["error"]["message"]


def test_a_rejected_draft_records_who_rejected_it_and_why(api: Api, rm2: str) -> None:
    draft_id = make_draft(api, with_new_rule(published_document(api)))["draft_id"]
    act(api, draft_id, "submit")
    assert act(api, draft_id, "reject", role=rm2, json={}).status_code == 422
    rejected = act(api, draft_id, "reject", role=rm2, json={"note": "too strict"}).get_json()
    assert (rejected["status"], rejected["decided_by"]) == ("rejected", "rm-two")
    assert rejected["history"][-1]["note"] == "too strict"
    assert act(api, draft_id, "approve", role=rm2).status_code == 409
    assert api.call("GET", BASE, role="auditor").get_json()["version"] == 1
