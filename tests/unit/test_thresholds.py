"""Memo keys of rule set evaluations: a number compared only with literals keys by its side."""

from __future__ import annotations

from decimal import Decimal

from policy_service.config import SHIPPED_RULES
from policy_service.language.document import load_ruleset, load_ruleset_file
from policy_service.language.reference import matching_rules
from policy_service.language.thresholds import key_parts

RULES = SHIPPED_RULES


def _doc(*whens: str) -> dict:
    return {"name": "escalation", "rules": [
        {"name": f"r{n}", "priority": 10 * (n + 1), "when": when,
         "then": {"step": "reminder", "code": f"R{n}", "channels": ["email"], "actions": [],
                  "message": {"zh": "x", "en": "x"}}} for n, when in enumerate(whens)]}


def test_the_shipped_escalation_keys_on_where_days_and_outstanding_fall() -> None:
    parts = key_parts(load_ruleset_file(RULES / "escalation.json"))
    assert [(p.group, p.key, p.thresholds) for p in parts] == [
        ("instalment", "days_late", ((Decimal(3), "gt"),)),  # payment_plan_broken
        ("invoice", "days_from_due",
         tuple((Decimal(d), "ge") for d in (-7, -3, 0, 1, 7, 30, 60, 90))),
        ("invoice", "outstanding", ((Decimal(100), "ge"),))]
    _late, days, outstanding = parts
    assert days.of(10) == days.of(29) != days.of(30) == days.of(59)
    assert outstanding.of(Decimal("1000.00")) == outstanding.of(Decimal("100.00"))
    assert outstanding.of(Decimal("99.99")) != outstanding.of(Decimal("100.00"))


def test_facts_with_one_key_get_one_answer_from_the_shipped_rules() -> None:
    ruleset = load_ruleset_file(RULES / "escalation.json")
    parts = key_parts(ruleset)
    base = {"amount": Decimal("5000.00"), "penalty_accrued": Decimal("0.00"), "currency": "CNY",
            "number": "I", "due_date": "2026-03-01"}
    seen: dict[tuple, set[tuple[str, ...]]] = {}
    for days in range(-10, 100, 3):
        for outstanding in ("1.50", "99.99", "100.00", "100.01", "5000.00"):
            facts = {"invoice": {**base, "days_from_due": days,
                                 "outstanding": Decimal(outstanding)},
                     "customer": {"tier": "B", "status": "active", "name": "n",
                                  "grace_days": 3},
                     "penalty": {"daily_rate_percent": Decimal("0.05"),
                                 "cap_percent": Decimal("15")},
                     "instalment": {"days_late": 0}}
            key = tuple(p.of(facts[p.group][p.key]) for p in parts)
            seen.setdefault(key, set()).add(tuple(matching_rules(ruleset, facts)))
    assert all(len(answers) == 1 for answers in seen.values())
    assert len(seen) < 35 * 5  # and they really are shared


def test_a_fact_read_in_arithmetic_or_against_another_fact_keys_by_value() -> None:
    ruleset = load_ruleset(_doc("invoice.outstanding - invoice.penalty_accrued >= 100",
                                "invoice.days_from_due >= 7",
                                "invoice.amount > invoice.outstanding"))
    by_name = {p.key: p.thresholds for p in key_parts(ruleset)}
    assert by_name == {"outstanding": None, "penalty_accrued": None,
                       "days_from_due": ((Decimal(7), "ge"),), "amount": None}


def test_a_literal_on_the_left_and_a_negative_literal_are_thresholds_too() -> None:
    ruleset = load_ruleset(_doc("100 < invoice.outstanding", "invoice.days_from_due >= -3",
                                "invoice.outstanding == 100"))
    days, outstanding = key_parts(ruleset)
    assert days.thresholds == ((Decimal(-3), "ge"),)
    assert outstanding.thresholds == ((Decimal(100), "eq"),)  # > and == at one literal
    assert len({outstanding.of(Decimal(v)) for v in ("99.99", "100", "100.01")}) == 3


def test_a_strict_comparison_puts_the_literal_itself_below() -> None:
    (part,) = key_parts(load_ruleset(_doc("invoice.outstanding > 100")))
    assert part.of(Decimal("100.00")) == part.of(Decimal("5")) != part.of(Decimal("100.01"))


def test_a_value_that_cannot_be_encoded_keys_by_itself() -> None:
    (part,) = key_parts(load_ruleset(_doc("invoice.outstanding >= 100")))
    assert part.of(Decimal("100.001")) == ("raw", Decimal("100.001"))
    assert part.of("100") == ("raw", "100")
    (days,) = key_parts(load_ruleset(_doc("invoice.days_from_due >= 1")))
    assert days.of(Decimal("2")) == ("raw", Decimal("2"))  # an integer fact takes an int
