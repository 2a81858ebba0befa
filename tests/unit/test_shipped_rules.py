"""Every case beside every shipped rule set (policy_service/rules/*.cases.json), run by one
parametrized test."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy_service.config import SHIPPED_RULES
from policy_service.domain.case_checks import CHECKS
from policy_service.language.cases import Case, load_cases, ruleset_path
from policy_service.language.document import load_ruleset_file
from policy_service.language.kinds import KINDS

RULES = SHIPPED_RULES
CASES = [(path, case) for path in sorted(RULES.glob("*.cases.json"))
         for case in load_cases(path)]


def test_there_are_cases_for_the_credit_approval_rule_set() -> None:
    assert len([p for p, _ in CASES if p.name == "credit_approval.cases.json"]) >= 12


@pytest.mark.parametrize("name", ["overdue_penalty", "escalation", "limit_review",
                                  "receivable_classes"])
def test_there_are_cases_for_each_account_rule_set(name: str) -> None:
    assert len([p for p, _ in CASES if p.name == f"{name}.cases.json"]) >= 10


def test_there_are_cases_for_the_blacklist_watch_on_both_sides_of_its_threshold() -> None:
    cases = [c for p, c in CASES if p.name == "blacklist_watch.cases.json"]
    assert len(cases) >= 5
    assert {bool(c.expect["rules"]) for c in cases} == {True, False}


def test_every_shipped_rule_set_has_a_cases_file_and_a_check() -> None:
    shipped = {p.stem for p in RULES.glob("*.json") if not p.name.endswith(".cases.json")}
    assert shipped == {p.name.removesuffix(".cases.json") for p, _ in CASES} == set(CHECKS)
    assert set(CHECKS) == set(KINDS) == set(EXPECTED)


# What each kind's cases must state (the checkers compare only what a case states).
EXPECTED = {
    "credit_approval": ("outcome", "codes"),
    "overdue_penalty": ("rule", "code", "accrual"),
    "escalation": ("rules", "message_rule", "task_rule", "actions"),
    "limit_review": ("rule", "action", "code", "credit_limit", "tier"),
    "receivable_classes": ("rule", "class", "provision_percent"),
    "blacklist_watch": ("rules", "window_days", "flagged_at"),
    "early_warning": ("rules",),
}


@pytest.mark.parametrize(("path", "case"), CASES, ids=[f"{p.stem}: {c.note}" for p, c in CASES])
def test_shipped_rule_set_case(path: Path, case: Case) -> None:
    ruleset = load_ruleset_file(ruleset_path(path))
    assert set(EXPECTED[ruleset.kind]) <= set(case.expect)
    result = CHECKS[ruleset.kind](ruleset, case)
    assert result.failures == []
    if ruleset.kind == "credit_approval":
        assert result.actual["conditions"] == case.expect.get("conditions", [])
