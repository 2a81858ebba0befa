"""The rule-by-rule diff of two rule set documents."""

from __future__ import annotations

import copy
from typing import Any

from policy_service.services.rules.diff import diff_documents, flatten, rule_changes


def rule(name: str, **overrides: Any) -> dict[str, Any]:
    """A credit_approval rule with sensible defaults."""
    base: dict[str, Any] = {
        "name": name, "description": f"{name} rule", "priority": 10,
        "when": "order.amount > 100",
        "then": {"outcome": "hold", "code": name.upper(), "conditions": [],
                 "message": {"zh": "中文", "en": "english"}},
    }
    base.update(overrides)
    return base


def document(*rules: dict[str, Any], description: str = "d") -> dict[str, Any]:
    """A document holding these rules."""
    return {"name": "credit_approval", "description": description, "rules": list(rules)}


def test_identical_documents_have_no_differences() -> None:
    doc = document(rule("a"), rule("b"))
    diff = diff_documents(doc, copy.deepcopy(doc))
    assert diff["identical"] is True
    assert (diff["added"], diff["removed"], diff["changed"]) == ([], [], [])
    assert diff["unchanged"] == ["a", "b"]
    assert diff["description"] is None


def test_a_new_rule_is_added_with_its_whole_definition() -> None:
    diff = diff_documents(document(rule("a")), document(rule("a"), rule("b", priority=5)))
    assert diff["added"] == [rule("b", priority=5)]
    assert diff["identical"] is False


def test_a_missing_rule_is_removed() -> None:
    diff = diff_documents(document(rule("a"), rule("b")), document(rule("a")))
    assert [r["name"] for r in diff["removed"]] == ["b"]
    assert diff["added"] == []


def test_a_changed_rule_lists_only_the_changed_fields_with_old_and_new_values() -> None:
    changed = rule("a", priority=20, when="order.amount > 200")
    changed["then"]["message"]["en"] = "new english"
    diff = diff_documents(document(rule("a")), document(changed))
    assert diff["changed"] == [{"rule": "a", "fields": {
        "priority": {"old": 10, "new": 20},
        "when": {"old": "order.amount > 100", "new": "order.amount > 200"},
        "then.message.en": {"old": "english", "new": "new english"},
    }}]


def test_changed_conditions_compare_as_a_whole_list() -> None:
    before = rule("a")
    after = rule("a")
    after["then"]["conditions"] = [{"type": "prepayment", "percent": "30"}]
    fields = rule_changes(before, after)
    assert fields == {"then.conditions": {"old": [],
                                          "new": [{"type": "prepayment", "percent": "30"}]}}


def test_a_field_present_on_one_side_only_shows_none_on_the_other() -> None:
    after = rule("a")
    del after["description"]
    after["then"]["extra"] = "x"
    fields = rule_changes(rule("a"), after)
    assert fields["description"] == {"old": "a rule", "new": None}
    assert fields["then.extra"] == {"old": None, "new": "x"}


def test_a_description_change_is_reported_apart_from_the_rules() -> None:
    diff = diff_documents(document(rule("a"), description="old"),
                          document(rule("a"), description="new"))
    assert diff["description"] == {"old": "old", "new": "new"}
    assert diff["changed"] == [] and diff["identical"] is False


def test_reordering_rules_without_changing_them_is_no_difference() -> None:
    diff = diff_documents(document(rule("a"), rule("b")), document(rule("b"), rule("a")))
    assert diff["identical"] is True


def test_flatten_names_nested_fields_by_dotted_path() -> None:
    assert flatten({"outcome": "hold", "message": {"en": "x"}}, "then") == {
        "then.outcome": "hold", "then.message.en": "x"}
