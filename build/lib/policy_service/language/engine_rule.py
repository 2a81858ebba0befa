"""EngineRule (one compiled rule as an engine loads it) and THE rule order.

It lives in the pure core so the compiler needs no engine import; the adapter takes it.

The rule order, used everywhere a rule set's rules are taken one after another (the
engine's firing order, the domain's "first match", the explanation): **by priority, lower
first; rules of equal priority in the order the document lists them**. It is durable-rules'
own order (``pri``: lower fires first, ties in definition order), so what the engine fires,
what the reference evaluator matches and what an explanation lists agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar


@dataclass(frozen=True)
class EngineRule:
    """A rule for the engine: ``condition`` is a durable-rules condition over the encoded fact."""

    name: str
    priority: int
    condition: dict[str, Any]


class _Prioritized(Protocol):
    @property
    def priority(self) -> int: ...


R = TypeVar("R", bound=_Prioritized)


def in_rule_order(rules: Iterable[R]) -> list[R]:
    """``rules`` (given in definition order) in the rule order: priority, then definition."""
    return sorted(rules, key=lambda rule: rule.priority)  # sorted() is stable
