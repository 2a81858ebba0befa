"""Exact sets of integers as disjoint closed spans, and one comparison solved (pure).

A *lever* moves some facts linearly: each moved field is ``a + b * t`` for an integer ``t``
(a money lever counts ``t`` in the currency's minor unit). A comparison whose difference is
linear in ``t`` is a half-line, a point or everything but a point (``solve``); ``and``/``or``/
``not`` are intersection, union and complement. Conditions are prepared and evaluated over
these sets in ``language/interval_plans.py``.

Sets are plain tuples of ``(lo, hi)`` spans (``None`` is unbounded), sorted, disjoint and
non-adjacent, so that each set has exactly one spelling; the functions below work on them
directly (the decision path evaluates a few of them per remedy), and ``IntSet`` wraps one
for callers that want methods.
"""

from __future__ import annotations

from dataclasses import dataclass

Span = tuple[int | None, int | None]
Spans = tuple[Span, ...]

NONE: Spans = ()
ALL: Spans = ((None, None),)


def span_of(lo: int | None, hi: int | None) -> Spans:
    """The integers from lo to hi (None unbounded); empty if lo > hi."""
    if lo is not None and hi is not None and lo > hi:
        return NONE
    return ((lo, hi),)


def complement(spans: Spans) -> Spans:
    """Every integer not in the set."""
    if not spans:
        return ALL
    if spans == ALL:
        return NONE
    out: list[Span] = []
    low: int | None = None
    start_open = True  # the next gap starts at -inf
    for lo, hi in spans:
        if lo is not None:
            gap_hi = lo - 1
            if start_open or low is None or low <= gap_hi:
                out.append((None if start_open else low, gap_hi))
        if hi is None:
            return tuple(out)
        low, start_open = hi + 1, False
    out.append((None if start_open else low, None))
    return tuple(out)


def intersect(a: Spans, b: Spans) -> Spans:
    """Integers in both sets.

    Already normal: the pieces of one span of ``a`` lie in it in ``b``'s order, apart as
    ``b``'s spans are, and the spans of ``a`` are apart from each other."""
    if not a or not b:
        return NONE
    if a == ALL:
        return b
    if b == ALL:
        return a
    out: list[Span] = []
    for lo1, hi1 in a:
        for lo2, hi2 in b:
            lo = lo2 if lo1 is None else lo1 if lo2 is None else max(lo1, lo2)
            hi = hi2 if hi1 is None else hi1 if hi2 is None else min(hi1, hi2)
            if lo is None or hi is None or lo <= hi:
                out.append((lo, hi))
    return tuple(out)


def union(a: Spans, b: Spans) -> Spans:
    """Integers in either set: the two sorted span lists merged, overlapping or adjacent
    spans joined."""
    if not a:
        return b
    if not b:
        return a
    if a == ALL or b == ALL:
        return ALL
    if len(a) == 1 and len(b) == 1:  # the usual case: two half-lines or spans
        first, second = (a[0], b[0]) if _starts_first(a[0], b[0]) else (b[0], a[0])
        lo, hi = first
        if hi is None:
            return (first,)
        if second[0] is None or second[0] <= hi + 1:
            return ((lo, None if second[1] is None else max(hi, second[1])),)
        return (first, second)
    out: list[Span] = []
    i = j = 0
    size_a, size_b = len(a), len(b)
    while i < size_a or j < size_b:
        if j == size_b or (i < size_a and _starts_first(a[i], b[j])):
            lo, hi = a[i]
            i += 1
        else:
            lo, hi = b[j]
            j += 1
        if out:
            last_lo, last_hi = out[-1]
            if last_hi is None or lo is None or lo <= last_hi + 1:
                out[-1] = (last_lo, None if last_hi is None or hi is None else max(last_hi, hi))
                continue
        out.append((lo, hi))
    return tuple(out)


def _starts_first(x: Span, y: Span) -> bool:
    """x starts no later than y (None is -inf)."""
    return x[0] is None or (y[0] is not None and x[0] <= y[0])


_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def solve_spans(op: str, slope: int, constant: int) -> Spans:
    """The integers t with ``slope * t + constant op 0`` (exact integer arithmetic)."""
    if slope == 0:
        held = {"==": constant == 0, "!=": constant != 0, "<": constant < 0,
                "<=": constant <= 0, ">": constant > 0, ">=": constant >= 0}[op]
        return ALL if held else NONE
    if slope < 0:
        slope, constant, op = -slope, -constant, _FLIPPED[op]
    floor, ceil = (-constant) // slope, -(constant // slope)  # of the root -constant/slope
    if op in ("==", "!="):
        point = ((floor, floor),) if constant % slope == 0 else NONE
        return point if op == "==" else complement(point)
    if op == ">":
        return ((floor + 1, None),)
    if op == ">=":
        return ((ceil, None),)
    if op == "<":
        return ((None, ceil - 1),)
    return ((None, floor),)


def largest_in(spans: Spans, lo: int, hi: int) -> int | None:
    """The largest member of ``spans`` from lo to hi, or None."""
    for s_lo, s_hi in reversed(spans):
        top = hi if s_hi is None else min(s_hi, hi)
        if top >= lo and (s_lo is None or s_lo <= top):
            return top
    return None


def smallest_in(spans: Spans, lo: int, hi: int) -> int | None:
    """The smallest member of ``spans`` from lo to hi, or None."""
    for s_lo, s_hi in spans:
        bottom = lo if s_lo is None else max(s_lo, lo)
        if bottom <= hi and (s_hi is None or bottom <= s_hi):
            return bottom
    return None


@dataclass(frozen=True)
class IntSet:
    """A set of integers as sorted, disjoint, non-adjacent closed spans."""

    spans: Spans

    @staticmethod
    def of(lo: int | None, hi: int | None) -> IntSet:
        """The integers from lo to hi (None unbounded); empty if lo > hi."""
        return IntSet(span_of(lo, hi))

    @property
    def empty(self) -> bool:
        """True when no integer is in the set."""
        return not self.spans

    def complement(self) -> IntSet:
        """Every integer not in the set."""
        return IntSet(complement(self.spans))

    def intersect(self, other: IntSet) -> IntSet:
        """Integers in both sets."""
        return IntSet(intersect(self.spans, other.spans))

    def union(self, other: IntSet) -> IntSet:
        """Integers in either set."""
        return IntSet(union(self.spans, other.spans))

    def maximum(self) -> int | None:
        """The largest member (None if empty or unbounded above)."""
        return self.spans[-1][1] if self.spans else None

    def minimum(self) -> int | None:
        """The smallest member (None if empty or unbounded below)."""
        return self.spans[0][0] if self.spans else None

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int) and any(
            (lo is None or lo <= value) and (hi is None or value <= hi) for lo, hi in self.spans)


EMPTY = IntSet(NONE)
FULL = IntSet(ALL)


def solve(op: str, slope: int, constant: int) -> IntSet:
    """The integers t with ``slope * t + constant op 0`` (exact integer arithmetic)."""
    return IntSet(solve_spans(op, slope, constant))
