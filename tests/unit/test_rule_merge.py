"""The three-way merge of rule set documents that rebasing a draft uses."""

from __future__ import annotations

import copy

from policy_service.services.rules.merge import resolve, three_way
from tests.unit.test_rule_diff import document, rule


def names(doc: dict) -> list[str]:
    return [r["name"] for r in doc["rules"]]


def test_changes_on_one_side_each_are_both_kept() -> None:
    base = document(rule("a"), rule("b"), rule("c"))
    ours = copy.deepcopy(base)
    ours["rules"][0]["priority"] = 1
    theirs = copy.deepcopy(base)
    theirs["rules"][1]["when"] = "order.amount > 5"
    theirs["description"] = "new"
    merge = three_way(base, ours, theirs)
    assert merge.conflicts == []
    assert merge.taken == ["description", "rule:b"]
    assert merge.document == {**base, "description": "new", "rules": [
        rule("a", priority=1), rule("b", when="order.amount > 5"), rule("c")]}


def test_the_same_change_on_both_sides_is_no_conflict() -> None:
    base = document(rule("a"))
    both = document(rule("a", priority=3))
    merge = three_way(base, both, copy.deepcopy(both))
    assert (merge.conflicts, merge.taken, merge.document) == ([], [], both)


def test_rules_added_on_each_side_are_both_in_and_the_published_one_keeps_its_place() -> None:
    base = document(rule("a"), rule("c"))
    ours = document(rule("a"), rule("c"), rule("mine"))
    theirs = document(rule("a"), rule("theirs"), rule("c"))
    merge = three_way(base, ours, theirs)
    assert names(merge.document) == ["a", "theirs", "c", "mine"]


def test_a_deletion_is_taken_unless_the_other_side_edited_the_rule() -> None:
    base = document(rule("a"), rule("b"))
    assert names(three_way(base, document(rule("a")), base).document) == ["a"]
    assert names(three_way(base, base, document(rule("b"))).document) == ["b"]
    edited = document(rule("a"), rule("b", priority=9))
    merge = three_way(base, edited, document(rule("a")))
    assert [c["key"] for c in merge.conflicts] == ["rule:b"]
    assert names(merge.document) == ["a", "b"]  # the draft's side until resolved
    assert names(resolve(merge.document, merge.conflicts[0], "theirs")) == ["a"]
    assert resolve(merge.document, merge.conflicts[0], "ours") == merge.document


def test_different_changes_to_one_rule_conflict_with_the_fields_that_differ() -> None:
    base = document(rule("a"), description="d")
    ours = document(rule("a", priority=1), description="mine")
    theirs = document(rule("a", priority=2, when="order.amount > 1"), description="theirs")
    merge = three_way(base, ours, theirs)
    assert [c["key"] for c in merge.conflicts] == ["description", "rule:a"]
    assert merge.conflicts[1]["fields"] == {
        "priority": {"old": 1, "new": 2},
        "when": {"old": "order.amount > 100", "new": "order.amount > 1"}}
    assert merge.document == ours
    settled = resolve(resolve(merge.document, merge.conflicts[0], "theirs"),
                      merge.conflicts[1], "theirs")
    assert settled == theirs
