"""Exact polynomial forms of numeric expressions, in the engine's integer units."""

from __future__ import annotations

import math
from fractions import Fraction

from policy_service.language.ast import Arith, Expr, Name, Negate, NumberLit
from policy_service.language.vocabulary import Vocabulary

# A monomial is a sorted tuple of field names (() is the constant term).
Monomial = tuple[str, ...]
Poly = dict[Monomial, Fraction]
IntPoly = dict[Monomial, int]
INT64_MAX = 2**63 - 1
MAX_MONOMIALS = 512
"""Distinct terms one expanded expression may have (products of sums multiply them)."""


class NotPolynomial(ValueError):
    """An expression that is not a polynomial over fields (division by a non-constant)."""


class TooComplex(NotPolynomial):
    """An expression whose expanded form would have more than MAX_MONOMIALS terms."""


def _add(a: Poly, b: Poly, sign: int = 1) -> Poly:
    out = dict(a)
    for mono, coef in b.items():
        out[mono] = out.get(mono, Fraction(0)) + sign * coef
    return {m: c for m, c in out.items() if c != 0}


def _mul(a: Poly, b: Poly) -> Poly:
    if len(a) * len(b) > MAX_MONOMIALS:
        raise TooComplex(f"the expanded expression would have more than {MAX_MONOMIALS} terms")
    out: Poly = {}
    for ma, ca in a.items():
        for mb, cb in b.items():
            mono = tuple(sorted(ma + mb))
            out[mono] = out.get(mono, Fraction(0)) + ca * cb
    return {m: c for m, c in out.items() if c != 0}


def to_poly(node: Expr) -> Poly:
    """The polynomial of a numeric expression in real units (money in currency units)."""
    if isinstance(node, NumberLit):
        value = Fraction(node.value)
        return {(): value} if value else {}
    if isinstance(node, Name):
        return {(node.name,): Fraction(1)}
    if isinstance(node, Negate):
        return {m: -c for m, c in to_poly(node.operand).items()}
    if isinstance(node, Arith):
        left, right = to_poly(node.left), to_poly(node.right)
        if node.op == "+":
            return _add(left, right)
        if node.op == "-":
            return _add(left, right, -1)
        if node.op == "*":
            return _mul(left, right)
        if set(right) - {()} or not right:
            raise NotPolynomial("division by a non-constant or by zero")
        return {m: c / right[()] for m, c in left.items()}
    raise NotPolynomial(f"not a numeric expression: {type(node).__name__}")


def constant_of(poly: Poly) -> Fraction | None:
    """The value of a constant polynomial, or None if it depends on a field."""
    if set(poly) - {()}:
        return None
    return poly.get((), Fraction(0))


def _engine_integers(poly: Poly, vocab: Vocabulary) -> IntPoly:
    """``poly`` over engine integers (money in cents), scaled to integer coefficients."""
    engine: Poly = {}
    for mono, coef in poly.items():
        scale = math.prod(vocab[name].engine_scale for name in mono)
        engine[mono] = coef / scale
    if not engine:
        return {}
    lcm = math.lcm(*(c.denominator for c in engine.values()))
    return {m: int(c * lcm) for m, c in sorted(engine.items())}


def side_magnitude(node: Expr, vocab: Vocabulary) -> int:
    """Largest absolute value one side of a comparison (or a placeholder) may reach on valid
    facts, in engine integers and with constant factors kept (they cancel only in a
    difference): a bound on what evaluating, tracing and rendering it meets."""
    return magnitude(_engine_integers(to_poly(node), vocab), vocab)


def integer_difference(left: Expr, right: Expr, vocab: Vocabulary) -> IntPoly:
    """``left - right`` over engine integers, scaled to integer coefficients with gcd 1.

    The sign of ``left - right`` is preserved (only positive factors are applied), so
    ``left op right`` holds exactly when ``integer_difference(...) op 0`` does.
    """
    ints = _engine_integers(_add(to_poly(left), to_poly(right), -1), vocab)
    if not ints:
        return {}
    gcd = math.gcd(*ints.values())
    return {m: c // gcd for m, c in ints.items()}


def magnitude(poly: IntPoly, vocab: Vocabulary) -> int:
    """Largest absolute value the engine may meet while evaluating ``poly`` on valid facts."""
    total = 0
    for mono, coef in poly.items():
        term = abs(coef)
        for name in mono:
            field = vocab[name]
            term *= int(field.bound * field.engine_scale)
        total += term
    return total
