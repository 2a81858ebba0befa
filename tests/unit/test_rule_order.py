"""One rule order: the engine, the reference evaluator, the domain and explain agree."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from policy_service.config import SHIPPED_RULES
from policy_service.domain.decision import combine
from policy_service.engine import DurableRulesEngine
from policy_service.language.cases import load_cases
from policy_service.language.compiler import compile_ruleset, encode_facts
from policy_service.language.document import load_ruleset
from policy_service.language.reference import explain, explain_rules, matching_rules


def _rule(name: str, priority: int, when: str = "order.amount > 10") -> dict:
    return {"name": name, "priority": priority, "when": when, "then": {
        "outcome": "hold", "code": name.upper(), "message": {"zh": name, "en": name}}}


# Listed neither by priority nor by name: ties (20) must keep this definition order.
RULESET = load_ruleset({"name": "credit_approval", "rules": [
    _rule("zeta", 20), _rule("late", 90), _rule("alpha", 20), _rule("first", 5),
    _rule("mid", 20, "order.amount > 1"), _rule("never", 1, "order.amount > 1000000"),
    {**_rule("fallback", 0, "otherwise"), "then": {
        "outcome": "approved", "code": "OK", "message": {"zh": "好", "en": "ok"}}},
]})
ORDER = ["first", "zeta", "alpha", "mid", "late"]
RULES = SHIPPED_RULES
FACTS = {**load_cases(RULES / "credit_approval.cases.json")[0].facts}


@pytest.fixture
def engine() -> Iterator[DurableRulesEngine]:
    eng = DurableRulesEngine()
    yield eng
    eng.close()


def _facts() -> dict:
    facts = {group: dict(values) for group, values in FACTS.items()}
    facts["order"]["amount"] = Decimal("500.00")
    return facts


def test_the_rule_order_is_priority_then_definition_order() -> None:
    names = [r.name for r in RULESET.ordered_rules]
    assert names == ["never", "first", "zeta", "alpha", "mid", "late"]


def test_the_engine_the_reference_the_domain_and_explain_agree(
        engine: DurableRulesEngine) -> None:
    facts = _facts()
    compiled = compile_ruleset(RULESET)
    engine.load("order", compiled.rules)
    fired = engine.evaluate("order", encode_facts(RULESET.vocabulary, facts))
    assert fired == ORDER
    assert matching_rules(RULESET, facts) == ORDER
    assert [r.name for r in RULESET.all_matches(reversed(fired))] == ORDER
    assert RULESET.first_match(fired) is RULESET.rule("first")
    assert [r.rule for r in combine(RULESET, fired, facts).reasons] == ORDER
    assert [t.rule for t in explain(RULESET, facts) if t.matched] == ORDER
    assert [t.rule for t in explain(RULESET, facts)][-1] == "fallback"
    assert [t.rule for t in explain_rules(RULESET, facts, set(fired))] == ORDER


def test_with_no_match_the_first_match_is_the_otherwise_rule() -> None:
    assert RULESET.all_matches([]) == ()
    assert RULESET.first_match([]) is RULESET.otherwise
