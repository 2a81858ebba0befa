"""Reference evaluator: the rule language over Decimal facts in plain, exact Python."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

from policy_service.domain.money import amount_text, minor_digits
from policy_service.language.ast import (
    Arith,
    BoolLit,
    Compare,
    Condition,
    Expr,
    Logical,
    Membership,
    Name,
    Negate,
    Not,
    NumberLit,
    Otherwise,
    StringLit,
    to_source,
)
from policy_service.language.checker import ExprType, type_of
from policy_service.language.document import Rule, RuleSet
from policy_service.language.templates import facts_currency
from policy_service.language.vocabulary import FieldType, Vocabulary, lookup, valid_facts

Value = Fraction | str | bool


@dataclass(frozen=True)
class ConditionTrace:
    """One comparison or boolean sub-condition: its text, both sides formatted, and the result."""

    expression: str
    left: str
    right: str | None
    held: bool


@dataclass(frozen=True)
class RuleTrace:
    """Why one rule did or did not match."""

    rule: str
    matched: bool
    conditions: tuple[ConditionTrace, ...]


MAX_TRACE_CHARS = 200
"""Characters of one traced expression or list in an explanation (a decision stores them)."""


def _cut(text: str) -> str:
    return text if len(text) <= MAX_TRACE_CHARS else text[:MAX_TRACE_CHARS - 1] + "…"


def shown(node: Expr, memo: dict[int, str] | None = None) -> str:
    """A sub-condition as an explanation shows it: its source, cut at MAX_TRACE_CHARS."""
    return _cut(to_source(node, memo))


def to_decimal(value: Fraction) -> Decimal:
    """A Fraction as a Decimal: exact when it terminates, else to 28 significant digits."""
    with localcontext() as ctx:
        ctx.prec = 60
        exact = Decimal(value.numerator) / Decimal(value.denominator)
    if exact * value.denominator == value.numerator:
        return exact
    with localcontext() as ctx:
        ctx.prec = 28
        return +exact


def format_value(value: Value, kind: ExprType, *, exact: bool = True,
                 currency: str | None = None) -> str:
    """Format for people: money in ``currency``'s minor unit ("12,000.00" CNY, "1,000" JPY;
    two decimals when None), with the exact digits beyond it if ``exact``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    number = to_decimal(value)
    if kind is ExprType.MONEY:
        places = 10 ** (2 if currency is None else minor_digits(currency))
        if not exact or (value * places).denominator == 1:
            return amount_text(number, currency)
        return f"{number:,f}"
    if value.denominator == 1:
        return str(value.numerator)
    return f"{number.normalize():f}"


class _Evaluator:
    def __init__(self, vocab: Vocabulary, facts: Mapping[str, Any],
                 trace: list[ConditionTrace] | None = None) -> None:
        self.vocab, self.facts, self.trace = vocab, facts, trace
        self.currency = facts_currency(facts)
        self.sources: dict[int, str] = {}

    def side(self, node: Expr, value: Value) -> str:
        return format_value(value, type_of(node, self.vocab), currency=self.currency)

    def value(self, node: Expr) -> Value:
        if isinstance(node, NumberLit):
            return Fraction(node.value)
        if isinstance(node, StringLit | BoolLit):
            return node.value
        if isinstance(node, Name):
            return self.name(node)
        if isinstance(node, Negate):
            return -self.number(node.operand)
        if isinstance(node, Arith):
            return self.arith(node)
        if isinstance(node, Compare | Membership):
            position = len(self.trace) if self.trace is not None else 0
            return self.compare(node, position)
        return self.boolean(node)

    def number(self, node: Expr) -> Fraction:
        value = self.value(node)
        if not isinstance(value, Fraction):
            raise TypeError(f"{to_source(node)} is not a number")
        return value

    def name(self, node: Name) -> Value:
        field = self.vocab[node.name]
        raw = lookup(self.facts, field)
        if field.type in (FieldType.STRING, FieldType.BOOL):
            return raw
        return Fraction(raw)

    def arith(self, node: Arith) -> Fraction:
        left, right = self.number(node.left), self.number(node.right)
        if node.op == "+":
            return left + right
        if node.op == "-":
            return left - right
        if node.op == "*":
            return left * right
        return left / right

    def compare(self, node: Compare | Membership, position: int) -> bool:
        if isinstance(node, Membership):
            value = self.value(node.operand)
            items = [self.value(item) for item in node.items]
            held = (value in items) != node.negated
            if self.trace is None:
                return held
            listed = _cut("[" + ", ".join(to_source(i, self.sources) for i in node.items) + "]")
            return self._insert(position, node, self.side(node.operand, value), listed, held)
        left, right = self.value(node.left), self.value(node.right)
        held = _COMPARE[node.op](left, right)
        if self.trace is None:
            return held
        return self._insert(position, node, self.side(node.left, left),
                            self.side(node.right, right), held)

    def _insert(self, position: int, node: Expr, left: str, right: str | None,
                held: bool) -> bool:
        if self.trace is not None:
            trace = ConditionTrace(shown(node, self.sources), left, right, held)
            self.trace.insert(position, trace)
        return held

    def boolean(self, node: Expr) -> bool:
        position = len(self.trace) if self.trace is not None else 0
        if isinstance(node, Not):
            inner = self.condition(node.operand)
            return self._insert(position, node, format_value(inner, ExprType.BOOL), None,
                                not inner)
        if isinstance(node, Logical):
            left, right = self.condition(node.left), self.condition(node.right)
            held = (left and right) if node.op == "and" else (left or right)
            return self._insert(position, node, format_value(left, ExprType.BOOL),
                                format_value(right, ExprType.BOOL), held)
        raise TypeError(f"cannot evaluate {type(node).__name__}")

    def condition(self, node: Expr) -> bool:
        """Evaluate a condition; a bare yes/no field or literal is traced too."""
        position = len(self.trace) if self.trace is not None else 0
        value = self.value(node)
        if isinstance(node, Name | BoolLit):
            self._insert(position, node, format_value(value, ExprType.BOOL), None, bool(value))
        return bool(value)


_COMPARE = {
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}


def evaluate(node: Expr, vocab: Vocabulary, facts: Mapping[str, Any]) -> Value:
    """The exact value of an expression over validated facts (numbers as Fractions)."""
    return _Evaluator(vocab, facts).value(node)


def evaluator(vocab: Vocabulary, facts: Mapping[str, Any]) -> Callable[[Expr], Value]:
    """``evaluate`` bound to one set of facts, for many expressions over them."""
    return _Evaluator(vocab, facts).value


def _holds(when: Condition, vocab: Vocabulary, facts: Mapping[str, Any]) -> bool:
    if isinstance(when, Otherwise):
        raise ValueError("otherwise has no value of its own")
    return bool(_Evaluator(vocab, facts).value(when))


def matching_rules(ruleset: RuleSet, facts: Mapping[str, Any]) -> list[str]:
    """Names of the non-otherwise rules whose ``when`` holds, in the rule order."""
    facts = valid_facts(ruleset.vocabulary, facts)
    return [r.name for r in ruleset.ordered_rules if _holds(r.when, ruleset.vocabulary, facts)]


def explain(ruleset: RuleSet, facts: Mapping[str, Any]) -> list[RuleTrace]:
    """Per rule in the rule order, the otherwise rule last (it is what applies when none
    matched): matched, and each sub-condition with both sides' values."""
    facts = valid_facts(ruleset.vocabulary, facts)
    traces = _traces(ruleset, facts, ruleset.ordered_rules)
    other = ruleset.otherwise
    if other is not None:
        none = not any(t.matched for t in traces)
        step = ConditionTrace("otherwise", f"{sum(t.matched for t in traces)} rules matched",
                              None, none)
        traces.append(RuleTrace(other.name, none, (step,)))
    return traces


def _traces(ruleset: RuleSet, facts: Mapping[str, Any], rules: Iterable[Rule]) -> list[RuleTrace]:
    """Traces of non-otherwise ``rules``, in the order given."""
    traces = []
    for rule in rules:
        if isinstance(rule.when, Otherwise):
            continue
        steps: list[ConditionTrace] = []
        matched = _Evaluator(ruleset.vocabulary, facts, steps).condition(rule.when)
        traces.append(RuleTrace(rule.name, matched, tuple(steps)))
    return traces


def explain_rules(ruleset: RuleSet, facts: Mapping[str, Any],
                  names: Collection[str]) -> list[RuleTrace]:
    """Traces of just the named non-otherwise rules (e.g. those the engine fired), in the
    rule order.

    ``facts`` must already be valid; this is the decision path's cheap explanation.
    """
    return _traces(ruleset, facts, ruleset.all_matches(names))
