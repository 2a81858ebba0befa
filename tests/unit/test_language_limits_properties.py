"""Property: whatever the checker accepts evaluates in the engine exactly as the reference
evaluator says, and explains and renders, for every fact at the edges of its bounds."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from policy_service.config import SHIPPED_RULES
from policy_service.engine import DurableRulesEngine
from policy_service.language.compiler import compile_ruleset, encode_facts
from policy_service.language.document import RuleSetInvalid, load_ruleset
from policy_service.language.extremes import edge_errors, extreme_facts
from policy_service.language.reference import explain_rules, matching_rules
from policy_service.language.rendering import render_template

SHIPPED = json.loads((SHIPPED_RULES / "credit_approval.json")
                     .read_text(encoding="utf-8"))
MONEY = ["order.amount", "customer.credit_limit", "customer.collateral", "exposure.total",
         "overdue.amount"]
INTEGERS = ["customer.age_days", "order.requested_term_days", "overdue.oldest_days",
            "overdue.invoice_count"]
ENGINE = DurableRulesEngine()

digits = st.integers(1, 20).flatmap(lambda n: st.integers(1, 10 ** n - 1))
constants = st.builds(lambda whole, decimals: f"{whole}" + (f".{decimals:04d}"
                                                           if decimals else ""),
                      digits, st.integers(0, 9999) | st.just(0))


def _combine(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(lambda a, op, b: f"({a} {op} {b})", inner, st.sampled_from("+-"), inner),
        st.builds(lambda a, c: f"{a} * {c}", inner, constants),
        st.builds(lambda a, c: f"({a}) / {c}", inner, constants),
        inner.map(lambda a: f"-({a})"),
    )


money = st.recursive(st.sampled_from(MONEY), _combine, max_leaves=6)
integers = st.recursive(st.sampled_from(INTEGERS), lambda inner: _combine(inner) | st.builds(
    lambda a, b: f"{a} * {b}", inner, inner), max_leaves=6)
sides = st.one_of(st.tuples(money, money | constants), st.tuples(integers, integers | constants))
comparisons = st.builds(lambda pair, op: f"{pair[0]} {op} {pair[1]}", sides,
                        st.sampled_from(["==", "!=", "<", "<=", ">", ">="]))


def document(when: str, placeholder: str) -> dict[str, Any]:
    """The shipped set with a first rule of this when and a message showing placeholder."""
    doc = copy.deepcopy(SHIPPED)
    doc["rules"].insert(0, {"name": "generated", "priority": 1, "when": when, "then": {
        "outcome": "hold", "code": "GENERATED", "conditions": [],
        "message": {"zh": "{" + placeholder + "}", "en": "shows {" + placeholder + "}"}}})
    return doc


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(comparisons, money | integers)
def test_an_accepted_expression_evaluates_explains_and_renders_at_every_edge(
    when: str, placeholder: str,
) -> None:
    try:
        ruleset = load_ruleset(document(when, placeholder))
    except RuleSetInvalid:
        assume(False)
        return
    compiled = compile_ruleset(ruleset)
    assert edge_errors(ruleset) == []
    ENGINE.load("generated", compiled.rules)
    rule = ruleset.rule("generated")
    for facts in extreme_facts(ruleset.vocabulary).values():
        expected = matching_rules(ruleset, facts)
        assert ENGINE.evaluate("generated", encode_facts(ruleset.vocabulary, facts)) == expected
        explain_rules(ruleset, facts, expected)
        for text in rule.then["message"].values():
            assert render_template(text, ruleset.vocabulary, facts)
