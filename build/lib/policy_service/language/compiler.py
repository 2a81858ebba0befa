"""Compile a RuleSet to exact integer durable-rules conditions, and encode facts to match."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from policy_service.language.ast import (
    BoolLit,
    Compare,
    Expr,
    Logical,
    Membership,
    Name,
    Not,
    Otherwise,
    StringLit,
)
from policy_service.language.checker import ExprType, type_of
from policy_service.language.document import Rule, RuleSet
from policy_service.language.engine_rule import EngineRule
from policy_service.language.linear import IntPoly, integer_difference
from policy_service.language.vocabulary import (
    FactsInvalid,
    Field,
    FieldType,
    Vocabulary,
    validate_facts,
)

ZERO = "_k.zero"
ONE = "_k.one"
CONSTANTS = {"zero": 0, "one": 1}
TRUE_CONDITION: dict[str, Any] = {ONE: 1}
FALSE_CONDITION: dict[str, Any] = {ONE: 0}
Cond = dict[str, Any] | bool

_NEGATE = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
_MIRROR = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_OPERATOR = {"!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}


class CompileError(ValueError):
    """A rule that cannot be compiled (the checker should have refused it)."""


@dataclass(frozen=True)
class CompiledRuleSet:
    """A RuleSet ready for the engine: one EngineRule per non-otherwise rule."""

    ruleset: RuleSet
    rules: tuple[EngineRule, ...]
    otherwise: Rule | None
    checksum: str


def _test(op: str, prop: str, value: Any) -> dict[str, Any]:
    """``prop op value`` as a durable-rules condition."""
    if op == "==":
        return {prop: value}
    return {_OPERATOR[op]: {prop: value}}


def _join(op: str, items: list[Cond]) -> Cond:
    unit, absorbing, key = (True, False, "$and") if op == "and" else (False, True, "$or")
    flat: list[dict[str, Any]] = []
    for item in items:
        if item is absorbing:
            return absorbing
        if item is unit:
            continue
        assert isinstance(item, dict)
        flat += item[key] if set(item) == {key} else [item]
    if not flat:
        return unit
    return flat[0] if len(flat) == 1 else {key: flat}


def _monomial(mono: tuple[str, ...]) -> dict[str, Any]:
    expr: dict[str, Any] = {"$m": mono[0]}
    for name in mono[1:]:
        expr = {"$mul": {"$l": expr, "$r": {"$m": name}}}
    return expr


def _step(sign: int, left: Any, right: Any) -> dict[str, Any]:
    return {"$add" if sign > 0 else "$sub": {"$l": left, "$r": right}}


def _arith(poly: IntPoly) -> Any:
    """An integer $add/$sub/$mul expression; the first term has a positive coefficient."""
    terms = [(m, c) for m, c in poly.items() if m]
    terms.sort(key=lambda t: t[1] < 0)
    expr: Any = None
    for mono, coef in terms:
        term: Any = _monomial(mono)
        if abs(coef) != 1:
            term = {"$mul": {"$l": abs(coef), "$r": term}}
        expr = term if expr is None else _step(coef, expr, term)
    constant = poly.get((), 0)
    if constant:
        expr = _step(constant, expr, abs(constant))
    return expr


def _constant(op: str, value: Fraction | int) -> bool:
    return {"==": value == 0, "!=": value != 0, "<": value < 0, "<=": value <= 0,
            ">": value > 0, ">=": value >= 0}[op]


def _numeric(op: str, left: Expr, right: Expr, vocab: Vocabulary) -> Cond:
    """``left op right`` exactly: ``D op 0`` with D an integer polynomial over engine ints."""
    poly = integer_difference(left, right, vocab)
    variables = [m for m in poly if m]
    if not variables:
        return _constant(op, poly.get((), 0))
    if all(poly[m] < 0 for m in variables):
        poly = {m: -c for m, c in poly.items()}
        op = _MIRROR[op]
    if len(variables) == 1 and len(variables[0]) == 1:
        coef, constant = poly[variables[0]], poly.get((), 0)
        return _single(op, variables[0][0], Fraction(-constant, coef))
    return _test(_MIRROR[op], ZERO, _arith(poly))


def _single(op: str, prop: str, bound: Fraction) -> Cond:
    """``prop op bound`` for an integer-valued property and a rational bound."""
    whole = bound.denominator == 1
    if op in ("==", "!="):
        return _test(op, prop, int(bound)) if whole else op == "!="
    rounded = math.floor(bound) if op in (">", "<=") else math.ceil(bound)
    return _test(op, prop, rounded)


class _Compiler:
    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab

    def cond(self, node: Expr, negate: bool = False) -> Cond:
        if isinstance(node, BoolLit):
            return node.value != negate
        if isinstance(node, Name):
            return {node.name: 0 if negate else 1}
        if isinstance(node, Not):
            return self.cond(node.operand, not negate)
        if isinstance(node, Logical):
            op = node.op if not negate else ("or" if node.op == "and" else "and")
            return _join(op, [self.cond(node.left, negate), self.cond(node.right, negate)])
        if isinstance(node, Membership):
            tests = [Compare(item.line, item.column, "==", node.operand, item)
                     for item in node.items]
            flip = node.negated != negate
            return _join("and" if flip else "or", [self.cond(t, flip) for t in tests])
        if isinstance(node, Compare):
            op = _NEGATE[node.op] if negate else node.op
            return self.compare(op, node.left, node.right)
        raise CompileError(f"not a condition: {type(node).__name__}")

    def compare(self, op: str, left: Expr, right: Expr) -> Cond:
        kind = type_of(left, self.vocab)
        if kind.numeric:
            return _numeric(op, left, right, self.vocab)
        if kind is ExprType.STRING:
            if isinstance(left, StringLit) and isinstance(right, StringLit):
                return (left.value == right.value) == (op == "==")
            field, literal = (right, left) if isinstance(left, StringLit) else (left, right)
            if not isinstance(field, Name) or not isinstance(literal, StringLit):
                raise CompileError("a text comparison needs a field and a quoted value")
            return _test(op, field.name, literal.value)
        if kind is ExprType.BOOL:
            same = _join("or", [_join("and", [self.cond(left), self.cond(right)]),
                                _join("and", [self.cond(left, True), self.cond(right, True)])])
            differ = _join("or", [_join("and", [self.cond(left), self.cond(right, True)]),
                                  _join("and", [self.cond(left, True), self.cond(right)])])
            return same if op == "==" else differ
        raise CompileError(f"cannot compare {kind.value}")


def compile_condition(node: Expr, vocab: Vocabulary) -> dict[str, Any]:
    """One checked condition as a durable-rules condition (never $not, $div or floats)."""
    result = _Compiler(vocab).cond(node)
    if result is True:
        return dict(TRUE_CONDITION)
    if result is False:
        return dict(FALSE_CONDITION)
    assert isinstance(result, dict)
    return result


def compile_ruleset(ruleset: RuleSet) -> CompiledRuleSet:
    """Compile every non-otherwise rule, in the rule order; the otherwise rule is left to the
    adapter."""
    rules = []
    for rule in ruleset.ordered_rules:
        if isinstance(rule.when, Otherwise):  # ordered_rules holds none: said for the types
            continue
        condition = compile_condition(rule.when, ruleset.vocabulary)
        rules.append(EngineRule(rule.name, rule.priority, condition))
    return CompiledRuleSet(ruleset, tuple(rules), ruleset.otherwise, ruleset.checksum)


_Plan = tuple[tuple[Field, str, str, FieldType, int, Decimal], ...]


def _plan(vocab: Vocabulary) -> _Plan:
    """Per vocabulary (kept on it): each field's group, key, type, scale and bound."""
    plan = vocab.encoding_plan
    if len(plan) != len(vocab):
        raise CompileError("facts are encoded for two-level names (group.field) only")
    return plan


def encode_facts(vocab: Vocabulary, facts: Mapping[str, Any]) -> dict[str, Any]:
    """The engine's fact: nested dict of exact ints (money in cents) and strings, plus ``_k``.

    Validates as it encodes (one pass: this is on every decision's hot path) and raises
    FactsInvalid listing every problem, exactly as validate_facts would.
    """
    encoded: dict[str, Any] = {"_k": dict(CONSTANTS)}
    problems = False
    for field, group_name, key, kind, scale, bound in _plan(vocab):
        try:
            value = facts[group_name][key]
        except (KeyError, TypeError):
            problems = True
            continue
        value_type = type(value)
        if kind is FieldType.BOOL:
            problems = problems or value_type is not bool
            value = 1 if value else 0
        elif kind is FieldType.STRING:
            if value_type is not str or (field.allowed and value not in field.allowed):
                problems = True
        elif value_type is int:
            problems = problems or abs(value) > bound
            value = value * scale
        elif value_type is Decimal and kind is not FieldType.INTEGER and value.is_finite():
            scaled = value * scale
            if abs(value) > bound or scaled != scaled.to_integral_value():
                problems = True
            else:
                value = int(scaled)
        else:
            problems = True
        group = encoded.get(group_name)
        if group is None:
            group = encoded[group_name] = {}
        group[key] = value
    if problems:
        validate_facts(vocab, facts)  # raises with every problem described
        raise FactsInvalid(["facts cannot be encoded exactly"])
    return encoded
