"""The product's case checkers: a wrong expectation of every kind fails, naming the key."""

from __future__ import annotations

from dataclasses import replace

import pytest

from policy_service.config import SHIPPED_RULES
from policy_service.domain.case_checks import check_case
from policy_service.language.cases import load_cases, ruleset_path
from policy_service.language.document import load_ruleset_file

RULES = SHIPPED_RULES
WRONG = {
    "credit_approval": ("outcome", "nope"),
    "overdue_penalty": ("code", "WRONG"),
    "escalation": ("message_rule", "nope"),
    "limit_review": ("tier", "Z"),
    "receivable_classes": ("class", "nope"),
    "blacklist_watch": ("flagged_at", 99),
}


@pytest.mark.parametrize("kind", sorted(WRONG))
def test_a_wrong_expectation_fails_with_the_key_named(kind: str) -> None:
    path = RULES / f"{kind}.cases.json"
    ruleset = load_ruleset_file(ruleset_path(path))
    case = load_cases(path)[-1]
    key, value = WRONG[kind]
    result = check_case(ruleset, replace(case, expect={**case.expect, key: value}))
    assert result is not None
    assert [f.split(":")[0] for f in result.failures] == [key]


def test_a_case_the_checker_cannot_use_fails_instead_of_raising() -> None:
    path = RULES / "overdue_penalty.cases.json"
    ruleset = load_ruleset_file(ruleset_path(path))
    case = load_cases(path)[0]
    broken = replace(case, expect={**case.expect, "accrual": {"days_past_due": "forty"}})
    result = check_case(ruleset, broken)
    assert result is not None and result.failures == []  # days not a number: not accrued
    path = RULES / "receivable_classes.cases.json"
    ruleset = load_ruleset_file(ruleset_path(path))
    case = load_cases(path)[0]
    broken = replace(case, expect={**case.expect, "provision": {"amount": "lots", "is": "1"}})
    result = check_case(ruleset, broken)
    assert result is not None and result.failures[0].startswith("could not check the case")
