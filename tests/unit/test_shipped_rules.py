"""Every case beside every shipped rule set (rules/*.cases.json), run by one parametrized test."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy_service.domain.decision import combine
from policy_service.language.cases import Case, load_cases, ruleset_path
from policy_service.language.document import load_ruleset_file
from policy_service.language.reference import matching_rules

RULES = Path(__file__).resolve().parents[2] / "rules"
CASES = [(path, case) for path in sorted(RULES.glob("*.cases.json"))
         for case in load_cases(path)]


def test_there_are_cases_for_the_credit_approval_rule_set() -> None:
    assert len([p for p, _ in CASES if p.name == "credit_approval.cases.json"]) >= 12


@pytest.mark.parametrize(("path", "case"), CASES, ids=[f"{p.stem}: {c.note}" for p, c in CASES])
def test_shipped_rule_set_case(path: Path, case: Case) -> None:
    ruleset = load_ruleset_file(ruleset_path(path))
    decision = combine(ruleset, matching_rules(ruleset, case.facts), case.facts)
    expect = case.expect
    assert decision.outcome == expect["outcome"]
    assert [r.code for r in decision.reasons] == expect["codes"]
    assert [dict(c) for c in decision.conditions] == expect.get("conditions", [])
    for lang, fragments in expect.get("messages_contain", {}).items():
        text = "\n".join(r.message[lang] for r in decision.reasons)
        for fragment in fragments:
            assert fragment in text, f"{lang} message lacks {fragment!r}: {text}"
