"""What a rule set's answer depends on: for a memo of evaluations, one key per answer class.

A rule set's matches depend only on the facts its conditions name. A numeric fact that is
only ever compared with literals (``invoice.outstanding >= 100``, ``invoice.days_from_due
>= 30``) matters only through the side of each literal it falls on, so its key part is that
position, not the value: every invoice with 1,000.00 or 2,345.67 outstanding 10 days after
its due date gets the same answer, and one evaluation serves them all. A fact read any
other way (arithmetic, ``in [...]``, compared with another fact) keys by its value.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from policy_service.language.ast import Compare, Name, Negate, Node, NumberLit
from policy_service.language.document import RuleSet
from policy_service.language.vocabulary import FieldType


def _literal(node: Any) -> Decimal | None:
    if isinstance(node, NumberLit):
        return node.value
    if isinstance(node, Negate) and isinstance(node.operand, NumberLit):
        return -node.operand.value
    return None


_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
# How a comparison with a literal splits the numbers: "ge" at (>= t, < t), "gt" at (> t, <= t),
# "eq" in three (below, at, above).
_SPLIT = {">=": "ge", "<": "ge", ">": "gt", "<=": "gt", "==": "eq", "!=": "eq"}


def _reads(node: Any) -> Iterator[tuple[str, tuple[Decimal, str] | None]]:
    """Each (name, (literal, split) it is compared with, or None for any other use)."""
    if isinstance(node, Compare):
        for this, other, op in ((node.left, node.right, node.op),
                                (node.right, node.left, _FLIP[node.op])):
            literal = _literal(other)
            if isinstance(this, Name) and literal is not None:
                yield this.name, (literal, _SPLIT[op])
                return
    if isinstance(node, Name):
        yield node.name, None
    elif isinstance(node, Node):
        for f in dataclasses.fields(node):
            yield from _reads(getattr(node, f.name))
    elif isinstance(node, tuple):
        for item in node:
            yield from _reads(item)


def _side(value: Any, threshold: Decimal, split: str) -> int:
    if split == "ge":
        return int(value >= threshold)
    if split == "gt":
        return int(value > threshold)
    return int(value > threshold) - int(value < threshold)


@dataclasses.dataclass(frozen=True)
class KeyPart:
    """How one fact enters the memo key: by value, or by its position among thresholds."""

    group: str
    key: str
    thresholds: tuple[tuple[Decimal, str], ...] | None  # (literal, split); None: by value
    scale: int = 1
    bound: Decimal = Decimal(0)
    integer: bool = False

    def of(self, value: Any) -> Any:
        """The key part of ``value``; the value itself when it could not be encoded exactly
        (so the engine adapter sees it and reports it)."""
        if self.thresholds is None:
            return value
        kind = type(value)
        if kind is not int and (kind is not Decimal or self.integer):
            return ("raw", value)
        if abs(value) > self.bound or (kind is Decimal and not (
                value.is_finite() and (value * self.scale) % 1 == 0)):
            return ("raw", value)
        return tuple(_side(value, t, split) for t, split in self.thresholds)


def key_parts(ruleset: RuleSet) -> tuple[KeyPart, ...]:
    """One part per fact the conditions read, sorted by name."""
    found: dict[str, dict[Decimal, str] | None] = {}
    for rule in ruleset.conditional_rules:
        for name, read in _reads(rule.when):
            known = found.setdefault(name, {})
            if read is None or known is None:
                found[name] = None
            else:
                literal, split = read
                known[literal] = split if known.get(literal, split) == split else "eq"
    parts = []
    for name in sorted(found):
        group, _, key = name.partition(".")
        field = ruleset.vocabulary.get(name)
        limits = found[name]
        if field is None or not field.type.is_numeric or limits is None:
            parts.append(KeyPart(group, key, None))
        else:
            parts.append(KeyPart(group, key, tuple(sorted(limits.items())), field.engine_scale,
                                 field.bound, field.type is FieldType.INTEGER))
    return tuple(parts)


def memo_key(parts: tuple[KeyPart, ...], facts: Mapping[str, Any]) -> tuple[Any, ...]:
    """The facts as the rules read them: one key part per fact (see ``key_parts``); facts
    that share a key get the same answer. Raises KeyError or TypeError on incomplete facts."""
    return tuple(p.of(facts[p.group][p.key]) for p in parts)
