"""A condition prepared once for a lever, then solved per decision over integer sets (pure).

``prepare`` turns a rule's condition into a *plan* for the fields a lever moves, once per
rule set document and lever (``domain/remedy_targets.py`` caches them): every numeric
comparison becomes its exact integer linear form (``language/linear.py``) split into terms
that name the fixed facts they multiply and the moved field they carry, and every text or
yes/no atom reads its fact by its keys. ``solve_plan`` then gives, for one decision's facts,
the integers ``t`` at which the condition holds with each moved field at ``a + b * t``, as
the spans of ``language/intervals.py``; an atom no moved field enters is fixed by the facts.
"""

from __future__ import annotations

from collections.abc import Mapping
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
from policy_service.language.intervals import (
    ALL,
    NONE,
    Spans,
    complement,
    intersect,
    solve_spans,
    union,
)
from policy_service.language.linear import IntPoly, NotPolynomial, integer_difference
from policy_service.language.reference import evaluate
from policy_service.language.vocabulary import Vocabulary

Moves = Mapping[str, tuple[int, int]]
"""Field name -> (a, b): the field's engine integer (money in cents) is a + b * t."""

Plan = tuple[Any, ...]
"""A condition prepared for one set of moved fields: ("and"|"or", a, b), ("not", a),
("cmp", op, constant, singles, others) for a numeric comparison (its integer polynomial over
engine integers: the constant, the terms ``(coefficient, name)`` in one fixed fact, and
every other term as ``(coefficient, fixed names, moved name or None)``), ("same", op, a, b)
for yes/no == yes/no, ("flag", group, key) and ("among", negated, group, key, texts) read
from the facts, and ("fixed", node) for any other atom no moved field enters (evaluated by
the reference evaluator)."""

Term = tuple[int, tuple[str, ...], str | None]


class NotAnalysable(ValueError):
    """A comparison that is not linear in the lever (e.g. the lever times itself)."""


class EngineValues(dict[str, int]):
    """The numeric facts as the engine's exact integers (money in cents), each converted
    the first time a plan reads it, or read from the facts the engine was given
    (``encoded``, from ``compiler.encode_facts``: the same integers)."""

    __slots__ = ("encoded", "facts", "paths")

    def __init__(self, vocab: Vocabulary, facts: Mapping[str, Any],
                 encoded: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        self.facts, self.encoded, self.paths = facts, encoded, vocab.engine_paths

    def __missing__(self, name: str) -> int:
        group, key, scale = self.paths[name]
        if self.encoded is not None:
            value: int = self.encoded[group][key]
        else:
            raw = self.facts[group][key]
            kind = type(raw)
            value = raw if kind is int and scale == 1 else \
                int((raw if kind is Decimal else Decimal(raw)) * scale)
        self[name] = value
        return value


def _difference(left: Expr, right: Expr, vocab: Vocabulary) -> IntPoly:
    try:
        return integer_difference(left, right, vocab)
    except NotPolynomial as exc:
        raise NotAnalysable(str(exc)) from exc


def _terms(poly: IntPoly, moved: frozenset[str]) -> tuple[int, tuple[tuple[int, str], ...],
                                                            tuple[Term, ...]]:
    """The polynomial as (its constant, its terms in one fixed fact, every other term); a
    term with two moved factors is not linear in the lever."""
    constant, singles, others = 0, [], []
    for mono, coefficient in poly.items():
        levers = [name for name in mono if name in moved]
        if len(levers) > 1:
            raise NotAnalysable("a product of two moved facts is not linear in the lever")
        fixed = tuple(name for name in mono if name not in moved)
        if not mono:
            constant += coefficient
        elif not levers and len(fixed) == 1:
            singles.append((coefficient, fixed[0]))
        else:
            others.append((coefficient, fixed, levers[0] if levers else None))
    return constant, tuple(singles), tuple(others)


def _text(node: Expr, vocab: Vocabulary) -> Plan | None:
    """A plan read straight from the facts for a yes/no field, ``field op "text"`` or
    ``field in ["a", "b"]``; None for anything else."""
    if isinstance(node, Name):
        return ("flag", *vocab[node.name].path)
    if isinstance(node, Compare) and node.op in ("==", "!="):
        sides = (node.left, node.right)
        names = [s for s in sides if isinstance(s, Name)]
        texts = [s for s in sides if isinstance(s, StringLit)]
        if len(names) == 1 and len(texts) == 1:
            return ("among", node.op == "!=", *vocab[names[0].name].path, (texts[0].value,))
    if isinstance(node, Membership) and isinstance(node.operand, Name) \
            and all(isinstance(item, StringLit) for item in node.items):
        return ("among", node.negated, *vocab[node.operand.name].path,
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
            terms = _terms(_difference(node.left, node.right, vocab), moved)
        except NotAnalysable:
            if is_moved:
                raise
            return ("fixed", node)
        return ("cmp", node.op, *terms)
    if not is_moved:
        return _text(node, vocab) or ("fixed", node)
    if isinstance(node, Membership):
        plans = [("cmp", "==", *_terms(_difference(node.operand, item, vocab), moved))
                 for item in node.items]
        plan: Plan = plans[0]
        for item_plan in plans[1:]:
            plan = ("or", plan, item_plan)
        return ("not", plan) if node.negated else plan
    if isinstance(node, Compare) and kind is ExprType.BOOL:
        return ("same", node.op, prepare(node.left, vocab, moved),
                prepare(node.right, vocab, moved))
    raise NotAnalysable("a text or yes/no fact is not moved by a numeric lever")


def solve_plan(plan: Plan, vocab: Vocabulary, facts: Mapping[str, Any],
               values: Mapping[str, int], moves: Moves) -> Spans:
    """The integers t for which the prepared condition holds with the moved fields at
    a + b * t and every other fact as in ``facts`` (``values``: their engine integers)."""
    kind = plan[0]
    if kind == "cmp":
        constant, slope = plan[2], 0
        for coefficient, name in plan[3]:
            constant += coefficient * values[name]
        for coefficient, fixed, lever in plan[4]:
            for name in fixed:
                coefficient *= values[name]
            if lever is None:
                constant += coefficient
            else:
                a, b = moves[lever]
                constant += coefficient * a
                slope += coefficient * b
        return solve_spans(plan[1], slope, constant)
    if kind == "among":
        return ALL if (facts[plan[2]][plan[3]] in plan[4]) != plan[1] else NONE
    if kind == "flag":
        return ALL if facts[plan[1]][plan[2]] else NONE
    if kind == "fixed":
        return ALL if evaluate(plan[1], vocab, facts) else NONE
    if kind == "not":
        return complement(solve_plan(plan[1], vocab, facts, values, moves))
    left = solve_plan(plan[-2], vocab, facts, values, moves)
    if kind == "and":
        # Nothing in the left: nothing in both (plans have no side effects).
        return intersect(left, solve_plan(plan[2], vocab, facts, values, moves)) \
            if left else NONE
    if kind == "or":
        return ALL if left == ALL else union(left, solve_plan(plan[2], vocab, facts, values,
                                                                 moves))
    right = solve_plan(plan[-1], vocab, facts, values, moves)
    same = union(intersect(left, right), intersect(complement(left), complement(right)))
    return same if plan[1] == "==" else complement(same)


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
