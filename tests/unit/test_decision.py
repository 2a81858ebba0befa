"""Combining matched credit_approval rules into one decision."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from policy_service.domain.decision import Decision, Reason, combine
from policy_service.language.document import RuleSet, load_ruleset
from policy_service.language.reference import matching_rules

FACTS: dict[str, Any] = {
    "order": {"amount": Decimal("52000.00"), "currency": "CNY", "requested_term_days": 30},
    "customer": {"tier": "D", "status": "active", "credit_limit": Decimal("100000.00"),
                 "collateral": Decimal("0.00"), "payment_term_days": 0, "age_days": 10,
                 "review_overdue": False, "written_off_365d": Decimal("0.00"),
                 "disputed_amount": Decimal("0.00"), "broken_plans_365d": 0},
    "exposure": {"open_receivables": Decimal("60000.00"), "reserved_orders": Decimal("0.00"),
                 "total": Decimal("60000.00")},
    "overdue": {"amount": Decimal("0.00"), "oldest_days": 0, "invoice_count": 0},
}


def rule(name: str, priority: int, outcome: str, percent: str | None = None,
         when: str = "true") -> dict[str, Any]:
    conditions = [{"type": "prepayment", "percent": percent}] if percent else []
    return {"name": name, "priority": priority, "when": when, "then": {
        "outcome": outcome, "code": name.upper(), "conditions": conditions,
        "message": {"zh": f"{name} 超出 {{exposure.total + order.amount}} {{order.currency}}",
                    "en": f"{name} by {{exposure.total + order.amount}} {{order.currency}}"}}}


def ruleset(*rules: dict[str, Any]) -> RuleSet:
    return load_ruleset({"name": "credit_approval", "description": "", "rules": list(rules)})


RULES = ruleset(
    rule("full", 60, "approved_with_conditions", "100"),
    rule("partial", 70, "approved_with_conditions", "30"),
    rule("held", 40, "hold"),
    rule("b_declined", 10, "declined"),
    rule("a_declined", 10, "declined"),
    rule("fine", 100, "approved", when="otherwise"),
)


@pytest.mark.parametrize(
    ("matched", "outcome"),
    [
        (["full"], "approved_with_conditions"),
        (["full", "held"], "hold"),
        (["partial", "held", "b_declined"], "declined"),
        ([], "approved"),
    ],
)
def test_the_most_severe_outcome_wins(matched: list[str], outcome: str) -> None:
    assert combine(RULES, matched, FACTS).outcome == outcome


def test_every_matched_rule_contributes_a_reason_in_the_rule_order() -> None:
    # priority, then definition order: b_declined is listed before a_declined
    decision = combine(RULES, ["partial", "held", "a_declined", "b_declined"], FACTS)
    assert [r.rule for r in decision.reasons] == ["b_declined", "a_declined", "held", "partial"]


def test_reasons_are_rendered_with_the_actual_numbers() -> None:
    decision = combine(RULES, ["held"], FACTS)
    assert decision.reasons == (Reason("held", "HELD", {
        "zh": "held 超出 112,000.00 CNY", "en": "held by 112,000.00 CNY"}),)


def test_the_highest_prepayment_percent_wins() -> None:
    decision = combine(RULES, ["partial", "full"], FACTS)
    assert decision.conditions == ({"type": "prepayment", "percent": "100"},)
    assert decision.prepayment_percent == Decimal("100")


def test_conditions_are_kept_when_a_hold_wins() -> None:
    decision = combine(RULES, ["partial", "held"], FACTS)
    assert decision.outcome == "hold"
    assert decision.conditions == ({"type": "prepayment", "percent": "30"},)


def test_no_match_gives_the_otherwise_rule_and_its_reason() -> None:
    decision = combine(RULES, [], FACTS)
    assert decision == Decision("approved", (Reason("fine", "FINE", {
        "zh": "fine 超出 112,000.00 CNY", "en": "fine by 112,000.00 CNY"}),), (), Decimal(0))


def test_no_match_and_no_otherwise_rule_is_approved_without_reason() -> None:
    only = ruleset(rule("held", 1, "hold", when="false"))
    assert combine(only, matching_rules(only, FACTS), FACTS) == Decision(
        "approved", (), (), Decimal(0))


def test_unknown_rule_names_are_refused() -> None:
    with pytest.raises(ValueError, match="nope"):
        combine(RULES, ["nope"], FACTS)


def test_the_decision_serializes_as_in_the_http_contract() -> None:
    body = combine(RULES, ["partial"], FACTS).to_dict()
    assert body == {
        "outcome": "approved_with_conditions",
        "conditions": [{"type": "prepayment", "percent": "30"}],
        "reasons": [{"rule": "partial", "code": "PARTIAL", "message": {
            "zh": "partial 超出 112,000.00 CNY", "en": "partial by 112,000.00 CNY"}}],
    }


def amount_rule(name: str, amount: str, percent: str | None = None) -> dict[str, Any]:
    graded = rule(name, 60, "approved_with_conditions")
    condition = {"type": "prepayment", "amount": amount}
    if percent is not None:
        condition["percent"] = percent
    graded["then"]["conditions"] = [condition]
    return graded


def test_the_largest_prepayment_wins_a_percent_turned_into_its_amount() -> None:
    # order 52,000.00; 30% is 15,600.00; the excess over the limit is 12,000.00
    graded = ruleset(amount_rule("excess", "exposure.total + order.amount - customer.credit_limit"),
                     rule("partial", 70, "approved_with_conditions", "30"))
    decision = combine(graded, ["excess", "partial"], FACTS)
    assert decision.conditions == ({"type": "prepayment", "percent": "30"},)
    assert decision.prepayment == Decimal("15600.00")
    excess = "exposure.total + order.amount - customer.credit_limit"
    smaller = ruleset(amount_rule("excess", excess),
                      rule("partial", 70, "approved_with_conditions", "20"))
    decision = combine(smaller, ["excess", "partial"], FACTS)
    assert decision.conditions == ({"type": "prepayment", "amount": "12000.00"},)
    assert (decision.prepayment, decision.prepayment_percent) == (Decimal("12000.00"), 0)


def test_a_prepayment_is_never_more_than_the_order_nor_negative() -> None:
    too_much = ruleset(amount_rule("much", "order.amount * 2"))
    assert combine(too_much, ["much"], FACTS).prepayment == Decimal("52000.00")
    negative = ruleset(amount_rule("less", "customer.collateral - order.amount"))
    decision = combine(negative, ["less"], FACTS)
    assert decision.conditions == ({"type": "prepayment", "amount": "0.00"},)
    assert decision.prepayment == 0


def test_an_amount_is_rounded_half_up_to_the_currency_minor_unit() -> None:
    third = ruleset(amount_rule("third", "order.amount / 3"))
    assert combine(third, ["third"], FACTS).prepayment == Decimal("17333.33")
    yen = {**FACTS, "order": {**FACTS["order"], "currency": "JPY", "amount": Decimal("1001")}}
    half = ruleset(amount_rule("half", "order.amount / 2"))
    assert combine(half, ["half"], yen).prepayment == Decimal("501")
