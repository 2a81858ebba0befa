"""Exact interval analysis of a condition in one integer lever (pure; no search, no floats).

A *lever* moves some facts linearly: each moved field is ``a + b * t`` for an integer ``t``
(a money lever counts ``t`` in the currency's minor unit). Every other fact is fixed. Over the
exact polynomial forms of ``language/linear.py``, a comparison whose difference is linear in
``t`` is a half-line, a point or everything but a point; ``and``/``or``/``not`` are
intersection, union and complement; an atom the lever does not move is fixed by the facts.
The result is the set of integers ``t`` for which the condition holds, as disjoint closed
spans (``None`` is unbounded).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from policy_service.language.ast import (
    Compare,
    Expr,
    Logical,
    Membership,
    Name,
    Not,
    StringLit,
)
from policy_service.language.checker import ExprType, type_of
from policy_service.language.linear import IntPoly, NotPolynomial, integer_difference
from policy_service.language.reference import evaluate
from policy_service.language.vocabulary import Vocabulary

Span = tuple[int | None, int | None]
Moves = Mapping[str, tuple[int, int]]
"""Field name -> (a, b): the field's engine integer (money in cents) is a + b * t."""


class NotAnalysable(ValueError):
    """A comparison that is not linear in the lever (e.g. the lever times itself)."""


def _le(a: int | None, b: int | None, *, a_low: bool, b_low: bool) -> bool:
    """a <= b where None is -inf as a low end and +inf as a high end."""
    if a is None:
        return a_low or (b is None and not b_low)
    if b is None:
        return not b_low
    return a <= b


@dataclass(frozen=True)
class IntSet:
    """A set of integers as sorted, disjoint, non-adjacent closed spans."""

    spans: tuple[Span, ...]

    @staticmethod
    def of(lo: int | None, hi: int | None) -> IntSet:
        """The integers from lo to hi (None unbounded); empty if lo > hi."""
        if lo is not None and hi is not None and lo > hi:
            return EMPTY
        return IntSet(((lo, hi),))

    @property
    def empty(self) -> bool:
        """True when no integer is in the set."""
        return not self.spans

    def complement(self) -> IntSet:
        """Every integer not in the set."""
        out: list[Span] = []
        low: int | None = None
        start_open = True  # the next gap starts at -inf
        for lo, hi in self.spans:
            if lo is not None:
                gap_hi = lo - 1
                if start_open or low is None or low <= gap_hi:
                    out.append((None if start_open else low, gap_hi))
            if hi is None:
                return IntSet(tuple(out))
            low, start_open = hi + 1, False
        out.append((None if start_open else low, None))
        return IntSet(tuple(out))

    def intersect(self, other: IntSet) -> IntSet:
        """Integers in both sets."""
        out: list[Span] = []
        for lo1, hi1 in self.spans:
            for lo2, hi2 in other.spans:
                lo = lo2 if lo1 is None else lo1 if lo2 is None else max(lo1, lo2)
                hi = hi2 if hi1 is None else hi1 if hi2 is None else min(hi1, hi2)
                if _le(lo, hi, a_low=True, b_low=False):
                    out.append((lo, hi))
        return _normal(out)

    def union(self, other: IntSet) -> IntSet:
        """Integers in either set."""
        return _normal([*self.spans, *other.spans])

    def maximum(self) -> int | None:
        """The largest member (None if empty or unbounded above)."""
        return self.spans[-1][1] if self.spans else None

    def minimum(self) -> int | None:
        """The smallest member (None if empty or unbounded below)."""
        return self.spans[0][0] if self.spans else None

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int) and any(
            (lo is None or lo <= value) and (hi is None or value <= hi) for lo, hi in self.spans)


EMPTY = IntSet(())
FULL = IntSet(((None, None),))


def _normal(spans: list[Span]) -> IntSet:
    """Sort and merge overlapping or adjacent spans."""
    spans.sort(key=lambda s: (s[0] is not None, s[0] if s[0] is not None else 0))
    out: list[Span] = []
    for lo, hi in spans:
        if out:
            last_lo, last_hi = out[-1]
            if last_hi is None or lo is None or lo <= last_hi + 1:
                merged_hi = None if last_hi is None or hi is None else max(last_hi, hi)
                out[-1] = (last_lo, merged_hi)
                continue
        out.append((lo, hi))
    return IntSet(tuple(out))


def solve(op: str, slope: int, constant: int) -> IntSet:
    """The integers t with ``slope * t + constant op 0`` (exact integer arithmetic)."""
    if slope == 0:
        held = {"==": constant == 0, "!=": constant != 0, "<": constant < 0,
                "<=": constant <= 0, ">": constant > 0, ">=": constant >= 0}[op]
        return FULL if held else EMPTY
    if slope < 0:
        slope, constant = -slope, -constant
        op = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}[op]
    floor, ceil = (-constant) // slope, -(constant // slope)  # of the root -constant/slope
    if op in ("==", "!="):
        point = IntSet.of(floor, floor) if constant % slope == 0 else EMPTY
        return point if op == "==" else point.complement()
    if op == ">":
        return IntSet.of(floor + 1, None)
    if op == ">=":
        return IntSet.of(ceil, None)
    if op == "<":
        return IntSet.of(None, ceil - 1)
    return IntSet.of(None, floor)


Plan = tuple[Any, ...]
"""A condition prepared for one set of moved fields: ("and"|"or", a, b), ("not", a),
("cmp", op, poly) for a numeric comparison (an integer polynomial over engine integers),
("same", op, a, b) for yes/no == yes/no, ("flag", name) and ("among", negated, name,
texts) read from the facts, and ("fixed", node) for any other atom no moved field enters
(evaluated by the reference evaluator)."""


def _difference(left: Expr, right: Expr, vocab: Vocabulary) -> IntPoly:
    try:
        return integer_difference(left, right, vocab)
    except NotPolynomial as exc:
        raise NotAnalysable(str(exc)) from exc


class EngineValues(dict[str, int]):
    """The numeric facts as the engine's exact integers (money in cents), each converted
    the first time a plan reads it."""

    __slots__ = ("facts", "vocab")

    def __init__(self, vocab: Vocabulary, facts: Mapping[str, Any]) -> None:
        super().__init__()
        self.vocab, self.facts = vocab, facts

    def __missing__(self, name: str) -> int:
        field = self.vocab[name]
        group, key = field.path
        value = self[name] = int(Decimal(self.facts[group][key]) * field.engine_scale)
        return value


def _text(node: Expr) -> Plan | None:
    """A plan read straight from the facts for a yes/no field, ``field op "text"`` or
    ``field in ["a", "b"]``; None for anything else."""
    if isinstance(node, Name):
        return ("flag", node.name)
    if isinstance(node, Compare) and node.op in ("==", "!="):
        sides = (node.left, node.right)
        names = [s for s in sides if isinstance(s, Name)]
        texts = [s for s in sides if isinstance(s, StringLit)]
        if len(names) == 1 and len(texts) == 1:
            return ("among", node.op == "!=", names[0].name, (texts[0].value,))
    if isinstance(node, Membership) and isinstance(node.operand, Name) \
            and all(isinstance(item, StringLit) for item in node.items):
        return ("among", node.negated, node.operand.name,
                tuple(item.value for item in node.items if isinstance(item, StringLit)))
    return None


def prepare(node: Expr, vocab: Vocabulary, moved: frozenset[str]) -> Plan:
    """``node`` as a Plan for levers moving ``moved`` (done once per rule and lever)."""
    if isinstance(node, Not):
        return ("not", prepare(node.operand, vocab, moved))
    if isinstance(node, Logical):
        return (node.op, prepare(node.left, vocab, moved), prepare(node.right, vocab, moved))
    kind = type_of(node.left if isinstance(node, Compare) else node, vocab)
    is_moved = bool(mentioned(node) & moved)
    if isinstance(node, Compare) and kind.numeric:
        try:
            poly = _difference(node.left, node.right, vocab)
            _linear_in(poly, moved)
        except NotAnalysable:
            if is_moved:
                raise
            return ("fixed", node)
        return ("cmp", node.op, poly)
    if not is_moved:
        return _text(node) or ("fixed", node)
    if isinstance(node, Membership):
        plans = [("cmp", "==", _difference(node.operand, item, vocab)) for item in node.items]
        plan: Plan = plans[0]
        for item_plan in plans[1:]:
            plan = ("or", plan, item_plan)
        return ("not", plan) if node.negated else plan
    if isinstance(node, Compare) and kind is ExprType.BOOL:
        return ("same", node.op, prepare(node.left, vocab, moved),
                prepare(node.right, vocab, moved))
    raise NotAnalysable("a text or yes/no fact is not moved by a numeric lever")


def _linear_in(poly: IntPoly, moved: frozenset[str]) -> None:
    for mono in poly:
        if sum(name in moved for name in mono) > 1:
            raise NotAnalysable("a product of two moved facts is not linear in the lever")


def evaluate_plan(plan: Plan, vocab: Vocabulary, facts: Mapping[str, Any],
                  values: Mapping[str, int], moves: Moves) -> IntSet:
    """The integers t for which the prepared condition holds with the moved fields at
    a + b * t and every other fact as in ``facts`` (``values``: their engine integers)."""
    kind = plan[0]
    if kind == "cmp":
        slope, constant = 0, 0
        for mono, coef in plan[2].items():
            fixed, lever = coef, None
            for name in mono:
                if name in moves:
                    lever = moves[name]
                else:
                    fixed *= values[name]
            if lever is None:
                constant += fixed
            else:
                constant += fixed * lever[0]
                slope += fixed * lever[1]
        return solve(plan[1], slope, constant)
    if kind == "among":
        field = vocab[plan[2]]
        group, key = field.path
        return FULL if (facts[group][key] in plan[3]) != plan[1] else EMPTY
    if kind == "flag":
        group, key = vocab[plan[1]].path
        return FULL if facts[group][key] else EMPTY
    if kind == "fixed":
        return FULL if evaluate(plan[1], vocab, facts) else EMPTY
    if kind == "not":
        return evaluate_plan(plan[1], vocab, facts, values, moves).complement()
    left = evaluate_plan(plan[-2], vocab, facts, values, moves)
    right = evaluate_plan(plan[-1], vocab, facts, values, moves)
    if kind == "and":
        return left.intersect(right)
    if kind == "or":
        return left.union(right)
    same = left.intersect(right).union(left.complement().intersect(right.complement()))
    return same if plan[1] == "==" else same.complement()


def mentioned(node: Expr) -> frozenset[str]:
    """The vocabulary names a condition reads."""
    return frozenset(n.name for n in _names(node) if isinstance(n, Name))


def _names(node: Expr) -> list[Expr]:
    """Every node below ``node`` (names included), without recursion."""
    out, stack = [], [node]
    while stack:
        current = stack.pop()
        out.append(current)
        for attr in ("left", "right", "operand"):
            child = getattr(current, attr, None)
            if child is not None:
                stack.append(child)
        if isinstance(current, Membership):
            stack += list(current.items)
    return out
