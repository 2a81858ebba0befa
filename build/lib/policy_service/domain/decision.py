"""Combine the matched credit_approval rules into one Decision: outcome, reasons, conditions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

from policy_service.domain.codes import CREDIT_OUTCOMES
from policy_service.domain.money import quantize_to, to_wire
from policy_service.language.ast import Expr
from policy_service.language.document import Rule, RuleSet
from policy_service.language.parser import parse_expression
from policy_service.language.reference import evaluate, to_decimal
from policy_service.language.rendering import render_messages
from policy_service.language.vocabulary import Vocabulary

# Least to most severe; the most severe matched outcome wins.
SEVERITY = {outcome: rank for rank, outcome in enumerate(CREDIT_OUTCOMES)}
APPROVED = "approved"
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Reason:
    """Why: the rule that matched, its code and its message rendered with the actual numbers."""

    rule: str
    code: str
    message: Mapping[str, str]

    def to_dict(self) -> dict[str, Any]:
        """The contract's reason object."""
        return {"rule": self.rule, "code": self.code, "message": dict(self.message)}


@dataclass(frozen=True)
class Decision:
    """The answer to "may we ship on credit?"."""

    outcome: str
    reasons: tuple[Reason, ...]
    conditions: tuple[Mapping[str, str], ...]
    prepayment_percent: Decimal
    prepayment: Decimal = Decimal(0)
    """The prepayment the conditions ask for, in money: never more than the order."""

    def to_dict(self) -> dict[str, Any]:
        """Outcome, conditions and reasons as in the HTTP contract."""
        return {
            "outcome": self.outcome,
            "conditions": [dict(c) for c in self.conditions],
            "reasons": [r.to_dict() for r in self.reasons],
        }


def _reason(rule: Rule, ruleset: RuleSet, facts: Mapping[str, Any]) -> Reason:
    message = render_messages(rule.then["message"], ruleset.vocabulary, facts)
    return Reason(rule.name, str(rule.then["code"]), message)


@lru_cache(maxsize=512)
def _expression(source: str) -> Expr:
    """A prepayment amount's expression, parsed once (rule sets are immutable data)."""
    return parse_expression(source)


def _prepayments(rule: Rule, vocab: Vocabulary, facts: Mapping[str, Any]
                 ) -> list[tuple[Decimal, Mapping[str, str], Decimal]]:
    """(amount, condition as shown, percent) of each prepayment ``rule`` asks for."""
    order = facts["order"]
    amount, currency = Decimal(order["amount"]), str(order["currency"])
    found: list[tuple[Decimal, Mapping[str, str], Decimal]] = []
    for condition in rule.then.get("conditions", []):
        if condition.get("type") != "prepayment":
            continue
        if "percent" in condition:
            text = str(condition["percent"])
            percent = Decimal(text)
            kept = quantize_to(amount * (HUNDRED - percent) / HUNDRED, currency)
            found.append((amount - kept, {"type": "prepayment", "percent": text}, percent))
        if "amount" in condition:
            value = evaluate(_expression(str(condition["amount"])), vocab, facts)
            assert isinstance(value, Fraction)
            asked = min(max(quantize_to(to_decimal(value), currency), Decimal(0)), amount)
            found.append((asked, {"type": "prepayment", "amount": to_wire(asked)}, Decimal(0)))
    return found


def recorded_prepayment(conditions: Iterable[Mapping[str, Any]], amount: Decimal,
                        currency: str) -> Decimal:
    """The prepayment a decision's recorded conditions ask for (a percent turned into its
    amount, as ``merge_conditions`` does), e.g. when a held order is released."""
    asked = [Decimal(0)]
    for condition in conditions:
        if condition.get("type") != "prepayment":
            continue
        if "percent" in condition:
            percent = Decimal(str(condition["percent"]))
            asked.append(amount - quantize_to(amount * (HUNDRED - percent) / HUNDRED, currency))
        if "amount" in condition:
            asked.append(min(Decimal(str(condition["amount"])), amount))
    return max(asked)


def merge_conditions(rules: Iterable[Rule], vocab: Vocabulary, facts: Mapping[str, Any]
                     ) -> tuple[tuple[Mapping[str, str], ...], Decimal, Decimal]:
    """Merge the rules' prepayments: the largest amount wins (a percent is turned into its
    amount first; on a tie the first in the rule order); never more than the order, never
    negative. Returns the conditions, the winning percent (0 for an amount) and the amount."""
    best: tuple[Decimal, Mapping[str, str], Decimal] | None = None
    for rule in rules:
        for candidate in _prepayments(rule, vocab, facts):
            if best is None or candidate[0] > best[0]:
                best = candidate
    if best is None:
        return (), Decimal(0), Decimal(0)
    return (best[1],), best[2], best[0]


def combine(ruleset: RuleSet, matched: Iterable[str], facts: Mapping[str, Any]) -> Decision:
    """The decision for the matched rule names (the otherwise rule applies if none matched)."""
    if ruleset.kind != "credit_approval":
        raise ValueError(f"combine() decides credit_approval, not {ruleset.kind}")
    names = set(matched)
    unknown = names - {r.name for r in ruleset.rules}
    if unknown:
        raise ValueError(f"unknown rules matched: {', '.join(sorted(unknown))}")
    rules = list(ruleset.all_matches(names))
    if not rules:
        other = ruleset.otherwise
        if other is None:
            return Decision(APPROVED, (), (), Decimal(0))
        rules = [other]
    outcome = max((str(r.then["outcome"]) for r in rules), key=SEVERITY.__getitem__)
    conditions, percent, prepayment = merge_conditions(rules, ruleset.vocabulary, facts)
    reasons = tuple(_reason(r, ruleset, facts) for r in rules)
    return Decision(outcome, reasons, conditions, percent, prepayment)


OUT_OF_RANGE = Reason(
    rule="", code="AMOUNT_OUT_OF_RANGE",
    message={"en": "The exposure or the order amount is beyond what the rules can evaluate; "
                   "a risk manager decides this order.",
             "zh": "敞口或订单金额超出规则可评估的范围，须由风控经理决定此订单。"})


def out_of_range() -> Decision:
    """A hold when the facts lie outside the vocabulary's bounds (nothing was evaluated)."""
    return Decision("hold", (OUT_OF_RANGE,), (), Decimal(0))
