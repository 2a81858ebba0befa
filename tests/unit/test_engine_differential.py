"""Random conditions and facts: DurableRulesEngine agrees with a plain-Python evaluator.

The evaluator states the adapter's documented semantics: a test on a missing property (on
either side) is false, ``$nex`` is true only for a missing property, arithmetic is exact.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy_service.engine import DurableRulesEngine, EngineRule

INT_PATHS = ["a", "o.x", "o.y", "p.q.z"]
STR_PATHS = ["s", "o.t"]
COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "$gt": operator.gt, "$gte": operator.ge, "$lt": operator.lt, "$lte": operator.le,
    "$neq": operator.ne, "==": operator.eq,
}
ARITH: dict[str, Callable[[int, int], int]] = {
    "$add": operator.add, "$sub": operator.sub, "$mul": operator.mul,
}
MISSING = object()

ints = st.integers(-50, 50)
int_exprs = st.recursive(
    ints | st.sampled_from(INT_PATHS).map(lambda p: {"$m": p}),
    lambda inner: st.builds(lambda op, left, right: {op: {"$l": left, "$r": right}},
                            st.sampled_from(sorted(ARITH)), inner, inner),
    max_leaves=4,
)


def _test(op: str, path: str, rhs: Any) -> dict[str, Any]:
    return {path: rhs} if op == "==" else {op: {path: rhs}}


leaves = st.one_of(
    st.builds(_test, st.sampled_from(sorted(COMPARE)), st.sampled_from(INT_PATHS), int_exprs),
    st.builds(_test, st.sampled_from(sorted(COMPARE)), st.sampled_from(STR_PATHS),
              st.sampled_from(["A", "B", "C"])),
    st.builds(lambda op, path: {op: {path: 1}}, st.sampled_from(["$ex", "$nex"]),
              st.sampled_from(INT_PATHS + STR_PATHS)),
)
conditions = st.recursive(
    leaves,
    lambda inner: st.builds(lambda op, items: {op: items}, st.sampled_from(["$and", "$or"]),
                            st.lists(inner, min_size=1, max_size=3)),
    max_leaves=6,
)


def _fact(values: dict[str, Any]) -> dict[str, Any]:
    fact: dict[str, Any] = {}
    for path, value in values.items():
        *parents, leaf = path.split(".")
        group = fact
        for part in parents:
            group = group.setdefault(part, {})
        group[leaf] = value
    return fact


facts = st.fixed_dictionaries({}, optional={
    **{path: ints for path in INT_PATHS},
    **{path: st.sampled_from(["A", "B", "C"]) for path in STR_PATHS},
}).map(_fact)


def lookup(fact: dict[str, Any], path: str) -> Any:
    """The value at a dotted path, or MISSING."""
    value: Any = fact
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return MISSING
        value = value[part]
    return value


def value_of(expr: Any, fact: dict[str, Any]) -> Any:
    """A right-hand side's value, or MISSING if it reads a missing property."""
    if not isinstance(expr, dict):
        return expr
    ((op, arg),) = expr.items()
    if op == "$m":
        return lookup(fact, arg)
    left, right = value_of(arg["$l"], fact), value_of(arg["$r"], fact)
    return MISSING if MISSING in (left, right) else ARITH[op](left, right)


def holds(cond: dict[str, Any], fact: dict[str, Any]) -> bool:
    """The reference semantics of one condition."""
    ((key, value),) = cond.items()
    if key == "$and":
        return all(holds(item, fact) for item in value)
    if key == "$or":
        return any(holds(item, fact) for item in value)
    if key in ("$ex", "$nex"):
        present = lookup(fact, next(iter(value))) is not MISSING
        return present if key == "$ex" else not present
    op, (path, rhs) = (key, next(iter(value.items()))) if key in COMPARE else ("==", (key, value))
    left, right = lookup(fact, path), value_of(rhs, fact)
    return MISSING not in (left, right) and COMPARE[op](left, right)


ENGINE = DurableRulesEngine()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(conditions, st.integers(0, 3)), min_size=1, max_size=4),
       st.lists(facts, min_size=1, max_size=5))
def test_engine_agrees_with_reference(rules: list[tuple[dict[str, Any], int]],
                                      samples: list[dict[str, Any]]) -> None:
    engine_rules = [EngineRule(f"r{i}", pri, cond) for i, (cond, pri) in enumerate(rules)]
    ENGINE.load("diff", engine_rules)
    ranked = sorted(enumerate(engine_rules), key=lambda item: (item[1].priority, item[0]))
    for fact in samples:
        expected = [rule.name for _, rule in ranked if holds(rule.condition, fact)]
        assert ENGINE.evaluate("diff", fact) == expected, (rules, fact)
