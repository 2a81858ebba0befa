"""Check and normalize durable-rules conditions so the C engine only sees what it handles right.

Accepted (the format ``EngineRule.condition`` uses):

- equality ``{"path": value}``; comparison ``{"$gt"|"$gte"|"$lt"|"$lte"|"$neq": {"path": rhs}}``;
  existence ``{"$ex"|"$nex": {"path": 1}}``; ``{"$and"|"$or": [cond, ...]}`` (non-empty);
- ``path`` is a property name or a dotted path into nested dicts (``"order.amount"``);
- ``rhs`` is a literal (int, float, str, bool, None), ``{"$m": "path"}`` (dotted allowed), or
  ``{"$add"|"$sub"|"$mul": {"$l": rhs, "$r": rhs}}``, nested to any depth.

What the C engine (durable-rules 2.0.28) does, pinned in tests/unit/test_engine_quirks.py,
and what this module does about it:

- A multi-key object (``{"a": 1, "b": 2}``, or two paths under one ``$gt``) tests only ONE
  of its keys: split into an ``$and`` of single tests.
- A comparison whose right side references a MISSING property (``{"$m": "no.such"}``)
  is TRUE whatever the operator: every ``$m`` path gets an ``$ex`` guard ANDed next to its
  test, so a missing operand makes the test false, as a missing left side already does.
- Arithmetic whose operands are all literals is mis-evaluated or segfaults: folded here.
- ``$div`` evaluates, but an integer division by zero kills the process (SIGFPE): refused.
- An empty ``$and`` makes the engine loop forever; ``{}`` is error 100; unknown operators
  (``$not``, ``$foo``) or a list/dict right side are refused here with a clear message.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from typing import Any

TAG = "__pst"
RESERVED_ROOTS = frozenset({TAG, "sid", "id"})
COMPARISONS = frozenset({"$gt", "$gte", "$lt", "$lte", "$neq"})
EXISTENCE = frozenset({"$ex", "$nex"})
LOGICAL = frozenset({"$and", "$or"})
ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "$add": operator.add,
    "$sub": operator.sub,
    "$mul": operator.mul,
}
INT64 = range(-(2**63), 2**63)


class ConditionError(ValueError):
    """A condition the adapter refuses to hand to the engine."""


def normalize(condition: Any) -> dict[str, Any]:
    """A checked, engine-safe copy of ``condition`` (raises ``ConditionError``)."""
    return _cond(condition, "condition")


def check_path(path: Any, where: str) -> str:
    """``path`` if it names a fact property the adapter allows, else ``ConditionError``."""
    if not isinstance(path, str) or not path or path.startswith("$"):
        raise ConditionError(f"{where}: {path!r} is not a property path")
    parts = path.split(".")
    if any(not part for part in parts):
        raise ConditionError(f"{where}: {path!r} has an empty segment")
    if parts[0] in RESERVED_ROOTS:
        raise ConditionError(f"{where}: {parts[0]!r} is reserved by the engine adapter")
    return path


def _single(node: Any, where: str) -> tuple[str, Any]:
    if not isinstance(node, Mapping) or len(node) != 1:
        raise ConditionError(f"{where}: expected an object with one key, got {node!r}")
    ((key, value),) = node.items()
    return key, value


def _cond(node: Any, where: str) -> dict[str, Any]:
    if not isinstance(node, Mapping) or not node:
        raise ConditionError(f"{where}: expected a non-empty object, got {node!r}")
    if len(node) > 1:
        return {"$and": [_cond({k: v}, where) for k, v in node.items()]}
    key, value = _single(node, where)
    if key in LOGICAL:
        if not isinstance(value, list | tuple) or not value:
            raise ConditionError(f"{where}: {key} needs a non-empty list")
        return {key: [_cond(item, f"{where}.{key}[{i}]") for i, item in enumerate(value)]}
    if key in EXISTENCE:
        path, _ = _single(value, f"{where}.{key}")
        return {key: {check_path(path, where): 1}}
    if key in COMPARISONS:
        if not isinstance(value, Mapping) or not value:
            raise ConditionError(f"{where}: {key} needs {{path: value}}")
        if len(value) > 1:
            return {"$and": [_test(key, p, v, where) for p, v in value.items()]}
        path, rhs = _single(value, where)
        return _test(key, path, rhs, where)
    if not isinstance(key, str) or key.startswith("$"):
        raise ConditionError(f"{where}: unsupported operator {key!r}")
    return _test(None, key, value, where)


def _test(op: str | None, path: str, rhs: Any, where: str) -> dict[str, Any]:
    """``path op rhs`` with an ``$ex`` guard for each property the right side reads."""
    check_path(path, where)
    refs: list[str] = []
    expr = _rhs(rhs, refs, where)
    test = {path: expr} if op is None else {op: {path: expr}}
    if not refs:
        return test
    guards: list[dict[str, Any]] = [{"$ex": {ref: 1}} for ref in dict.fromkeys(refs)]
    return {"$and": [*guards, test]}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _literal(value: Any, where: str) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and value not in INT64:
        raise ConditionError(f"{where}: {value} does not fit the engine's 64-bit integers")
    if isinstance(value, float) and not math.isfinite(value):
        raise ConditionError(f"{where}: {value} is not a finite number")
    return value


def _rhs(value: Any, refs: list[str], where: str) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return _literal(value, where)
    op, arg = _single(value, where)
    if op == "$m":
        refs.append(check_path(arg, f"{where}.$m"))
        return {"$m": arg}
    if op == "$div":
        raise ConditionError(f"{where}: $div is refused (a division by zero kills the process)")
    if op not in ARITHMETIC:
        raise ConditionError(f"{where}: unsupported right-hand side {value!r}")
    if not isinstance(arg, Mapping) or set(arg) != {"$l", "$r"}:
        raise ConditionError(f"{where}: {op} needs {{'$l': ..., '$r': ...}}")
    left = _rhs(arg["$l"], refs, f"{where}.{op}.$l")
    right = _rhs(arg["$r"], refs, f"{where}.{op}.$r")
    for operand in (left, right):
        if not (_is_number(operand) or isinstance(operand, Mapping)):
            raise ConditionError(f"{where}: {op} operand {operand!r} is not a number")
    if _is_number(left) and _is_number(right):
        return _literal(ARITHMETIC[op](left, right), where)
    return {op: {"$l": left, "$r": right}}
