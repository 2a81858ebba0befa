"""The reference evaluator: exact values, explanations, and message templates."""

from __future__ import annotations

import copy
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from policy_service.language.document import load_ruleset
from policy_service.language.parser import parse_expression
from policy_service.language.reference import (
    ConditionTrace,
    evaluate,
    explain,
    matching_rules,
)
from policy_service.language.rendering import render_messages, render_template
from policy_service.language.templates import TemplateError
from policy_service.language.vocabulary import CREDIT_APPROVAL_VOCABULARY, FactsInvalid

VOCAB = CREDIT_APPROVAL_VOCABULARY
FACTS: dict[str, Any] = {
    "order": {"amount": Decimal("52000.00"), "currency": "CNY", "requested_term_days": 30},
    "customer": {"tier": "C", "status": "active", "credit_limit": Decimal("100000.00"),
                 "collateral": Decimal("0.00"), "payment_term_days": 30, "age_days": 10,
                 "review_overdue": False, "written_off_365d": Decimal("0.00"),
                 "disputed_amount": Decimal("0.00"), "broken_plans_365d": 0},
    "exposure": {"open_receivables": Decimal("50000.00"), "reserved_orders": Decimal("10000.00"),
                 "total": Decimal("60000.00")},
    "overdue": {"amount": Decimal("0.00"), "oldest_days": 0, "invoice_count": 0},
}


def then(code: str) -> dict[str, Any]:
    return {"outcome": "hold", "code": code, "message": {"zh": "z", "en": "e"}, "conditions": []}


RULESET = load_ruleset({"name": "credit_approval", "description": "", "rules": [
    {"name": "over_limit", "priority": 2, "then": then("OVER"),
     "when": "exposure.total + order.amount > customer.credit_limit + customer.collateral"},
    {"name": "large_c", "priority": 1, "then": then("LARGE"),
     "when": 'customer.tier == "C" and order.amount > customer.credit_limit * 0.5'},
    {"name": "review", "priority": 3, "then": then("REVIEW"),
     "when": 'not customer.review_overdue or customer.tier in ["D"]'},
    {"name": "fallback", "priority": 9, "then": then("FINE"), "when": "otherwise"},
]})


def test_arithmetic_is_exact() -> None:
    assert evaluate(parse_expression("0.1 + 0.2 == 0.3"), VOCAB, FACTS) is True
    assert evaluate(parse_expression("order.amount / 3"), VOCAB, FACTS) == Fraction(52000, 3)


def test_matching_rules_are_ordered_by_priority_and_exclude_otherwise() -> None:
    assert matching_rules(RULESET, FACTS) == ["large_c", "over_limit", "review"]


def test_explain_shows_each_comparison_with_formatted_values() -> None:
    traces = {t.rule: t for t in explain(RULESET, FACTS)}
    assert list(traces) == ["large_c", "over_limit", "review", "fallback"]  # the rule order
    assert traces["over_limit"].matched
    assert traces["over_limit"].conditions == (ConditionTrace(
        "exposure.total + order.amount > customer.credit_limit + customer.collateral",
        "112,000.00", "100,000.00", True),)
    large = traces["large_c"].conditions
    assert [c.expression for c in large] == [
        'customer.tier == "C" and order.amount > customer.credit_limit * 0.5',
        'customer.tier == "C"', "order.amount > customer.credit_limit * 0.5"]
    assert (large[0].left, large[0].right, large[0].held) == ("true", "true", True)
    assert (large[2].left, large[2].right) == ("52,000.00", "50,000.00")
    assert not traces["fallback"].matched


def test_explain_traces_negation_membership_and_yes_no_fields() -> None:
    review = {t.rule: t for t in explain(RULESET, FACTS)}["review"].conditions
    assert [(c.expression, c.left, c.right, c.held) for c in review] == [
        ('not customer.review_overdue or customer.tier in ["D"]', "true", "false", True),
        ("not customer.review_overdue", "false", None, True),
        ("customer.review_overdue", "false", None, False),
        ('customer.tier in ["D"]', "C", '["D"]', False),
    ]


def test_the_otherwise_rule_matches_when_nothing_else_does() -> None:
    facts = copy.deepcopy(FACTS)
    facts["order"]["amount"] = Decimal("1.00")
    facts["customer"]["review_overdue"] = True
    traces = explain(RULESET, facts)
    assert [t.rule for t in traces if t.matched] == ["fallback"]
    assert matching_rules(RULESET, facts) == []


def test_explain_shows_amounts_beyond_cents_exactly() -> None:
    facts = copy.deepcopy(FACTS)
    facts["customer"]["credit_limit"] = Decimal("100000.01")
    large = {t.rule: t for t in explain(RULESET, facts)}["large_c"].conditions
    assert large[2].right == "50,000.005"


def test_templates_render_money_with_separators_and_two_decimals() -> None:
    text = render_template(
        "超出信用额度 {exposure.total + order.amount - customer.credit_limit} {order.currency}",
        VOCAB, FACTS)
    assert text == "超出信用额度 12,000.00 CNY"


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{customer.credit_limit - exposure.total - order.amount}", "-12,000.00"),
        ("{order.amount / 3}", "17,333.33"),
        ("{customer.credit_limit * 0.5 + 0.005}", "50,000.01"),
        ("{overdue.oldest_days + 31} days", "31 days"),
        ("{customer.payment_term_days / 4}", "7.5"),
        ("{customer.tier}/{customer.review_overdue}", "C/false"),
        ("{{literal}} {order.amount > 1}", "{literal} true"),
        ("plain", "plain"),
    ],
)
def test_template_values_are_formatted_by_type(template: str, expected: str) -> None:
    assert render_template(template, VOCAB, FACTS) == expected


def test_a_malformed_template_raises() -> None:
    with pytest.raises(TemplateError):
        render_template("{order.amount", VOCAB, FACTS)


def test_mistyped_facts_are_refused_before_evaluation() -> None:
    facts = copy.deepcopy(FACTS)
    facts["order"]["amount"] = 52000.0
    with pytest.raises(FactsInvalid):
        matching_rules(RULESET, facts)


def test_an_amount_that_rounds_to_zero_has_no_minus_sign() -> None:
    assert render_template("{order.amount / 3 - 17333.334}", VOCAB, FACTS) == "0.00"


@pytest.mark.parametrize(
    ("currency", "expected"),
    [("JPY", "tier C order of 52,000 JPY; 30%: 15,600 JPY, half: 17,333 JPY"),
     ("KRW", "tier C order of 52,000 KRW; 30%: 15,600 KRW, half: 17,333 KRW"),
     ("CNY", "tier C order of 52,000.00 CNY; 30%: 15,600.00 CNY, half: 17,333.33 CNY"),
     ("USD", "tier C order of 52,000.00 USD; 30%: 15,600.00 USD, half: 17,333.33 USD")],
)
def test_a_message_renders_money_in_the_currency_of_its_facts(currency: str,
                                                              expected: str) -> None:
    facts = copy.deepcopy(FACTS)
    facts["order"]["currency"] = currency
    template = ("tier C order of {order.amount} {order.currency}; 30%: {order.amount * 0.3} "
                "{order.currency}, half: {order.amount / 3} {order.currency}")
    assert render_template(template, VOCAB, facts) == expected


def test_whole_yen_round_half_up_and_never_show_minus_zero() -> None:
    facts = copy.deepcopy(FACTS)
    facts["order"]["currency"] = "JPY"
    facts["order"]["amount"] = Decimal("1001")
    # 1001 x 0.3 = 300.3 -> 300; 1001 / 2 = 500.5 -> 501 (half-up); 1001 / 3 - 333.6 = -0.2667
    assert render_template("{order.amount * 0.3}|{order.amount / 2}|{order.amount / 3 - 333.6}",
                           VOCAB, facts) == "300|501|0"


def test_explanations_show_money_in_the_currency_of_the_facts() -> None:
    facts = copy.deepcopy(FACTS)
    facts["order"]["currency"] = "JPY"
    large = {t.rule: t for t in explain(RULESET, facts)}["large_c"].conditions
    assert (large[2].left, large[2].right) == ("52,000", "50,000")  # not "50,000.00"
    facts["customer"]["credit_limit"] = Decimal("100001")
    large = {t.rule: t for t in explain(RULESET, facts)}["large_c"].conditions
    assert large[2].right == "50,000.5"  # exact beyond the yen, as beyond cents for CNY


def test_every_language_of_a_message_shows_the_same_values() -> None:
    messages = {"en": "over by {exposure.total + order.amount - customer.credit_limit} "
                      "({customer.tier})",
                "zh": "超出 {exposure.total + order.amount - customer.credit_limit}"
                      "（{ customer.tier }）"}
    shown = render_messages(messages, VOCAB, FACTS)
    assert shown == {"en": "over by 12,000.00 (C)", "zh": "超出 12,000.00（C）"}
    assert shown == {lang: render_template(text, VOCAB, FACTS) for lang, text in messages.items()}
