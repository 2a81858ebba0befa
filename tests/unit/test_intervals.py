"""Integer interval sets and one-lever solving, against brute force over a window."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from policy_service.language.intervals import EMPTY, FULL, IntSet, largest_in, smallest_in, solve

WINDOW = range(-30, 31)
ends = st.none() | st.integers(-25, 25)
sets = st.lists(st.tuples(ends, ends).map(lambda t: IntSet.of(*t)), max_size=3).map(
    lambda parts: EMPTY if not parts else _union(parts))


def _union(parts: list[IntSet]) -> IntSet:
    out = EMPTY
    for part in parts:
        out = out.union(part)
    return out


def members(s: IntSet) -> set[int]:
    return {t for t in WINDOW if t in s}


@given(sets, sets)
def test_set_operations_agree_with_brute_force(a: IntSet, b: IntSet) -> None:
    assert members(a.union(b)) == members(a) | members(b)
    assert members(a.intersect(b)) == members(a) & members(b)
    assert members(a.complement()) == set(WINDOW) - members(a)
    spans = a.spans
    assert all(hi is not None and lo is not None and hi + 1 < lo
               for (_, hi), (lo, _) in pairwise(spans))


@given(st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), st.integers(-7, 7),
       st.integers(-40, 40))
def test_solve_is_exact(op: str, slope: int, constant: int) -> None:
    ops = {"==": int.__eq__, "!=": int.__ne__, "<": int.__lt__, "<=": int.__le__,
           ">": int.__gt__, ">=": int.__ge__}
    expected = {t for t in WINDOW if ops[op](slope * t + constant, 0)}
    assert members(solve(op, slope, constant)) == expected


def test_the_ends_of_a_set() -> None:
    assert IntSet.of(3, 9).union(IntSet.of(12, 14)).maximum() == 14
    assert IntSet.of(3, 9).minimum() == 3
    assert FULL.complement() == EMPTY and EMPTY.maximum() is None
    assert IntSet.of(None, 0).union(IntSet.of(None, -1)) == IntSet.of(None, 0)


@given(sets, st.integers(-30, 30), st.integers(-30, 30))
def test_largest_and_smallest_in_a_range_agree_with_brute_force(
        a: IntSet, lo: int, hi: int) -> None:
    inside = [t for t in WINDOW if lo <= t <= hi and t in a]
    assert largest_in(a.spans, lo, hi) == (max(inside) if inside else None)
    assert smallest_in(a.spans, lo, hi) == (min(inside) if inside else None)
