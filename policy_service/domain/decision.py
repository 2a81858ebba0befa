"""Combine the matched credit_approval rules into one Decision: outcome, reasons, conditions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from policy_service.domain.codes import CREDIT_OUTCOMES
from policy_service.language.document import Rule, RuleSet
from policy_service.language.reference import render_template

# Least to most severe; the most severe matched outcome wins.
SEVERITY = {outcome: rank for rank, outcome in enumerate(CREDIT_OUTCOMES)}
APPROVED = "approved"


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

    def to_dict(self) -> dict[str, Any]:
        """Outcome, conditions and reasons as in the HTTP contract."""
        return {
            "outcome": self.outcome,
            "conditions": [dict(c) for c in self.conditions],
            "reasons": [r.to_dict() for r in self.reasons],
        }


def _reason(rule: Rule, ruleset: RuleSet, facts: Mapping[str, Any]) -> Reason:
    message = {lang: render_template(text, ruleset.vocabulary, facts)
               for lang, text in rule.then["message"].items()}
    return Reason(rule.name, str(rule.then["code"]), message)


def merge_conditions(rules: Iterable[Rule]) -> tuple[tuple[Mapping[str, str], ...], Decimal]:
    """Merge the rules' conditions: per type the highest percent wins."""
    best: dict[str, tuple[Decimal, str]] = {}
    for rule in rules:
        for condition in rule.then.get("conditions", []):
            kind, text = str(condition["type"]), str(condition["percent"])
            value = Decimal(text)
            if kind not in best or value > best[kind][0]:
                best[kind] = (value, text)
    merged = tuple({"type": kind, "percent": text} for kind, (_, text) in sorted(best.items()))
    prepayment = best["prepayment"][0] if "prepayment" in best else Decimal(0)
    return merged, prepayment


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
    conditions, prepayment = merge_conditions(rules)
    reasons = tuple(_reason(r, ruleset, facts) for r in rules)
    return Decision(outcome, reasons, conditions, prepayment)


OUT_OF_RANGE = Reason(
    rule="", code="AMOUNT_OUT_OF_RANGE",
    message={"en": "The exposure or the order amount is beyond what the rules can evaluate; "
                   "a risk manager decides this order.",
             "zh": "敞口或订单金额超出规则可评估的范围，须由风控经理决定此订单。"})


def out_of_range() -> Decision:
    """A hold when the facts lie outside the vocabulary's bounds (nothing was evaluated)."""
    return Decision("hold", (OUT_OF_RANGE,), (), Decimal(0))
