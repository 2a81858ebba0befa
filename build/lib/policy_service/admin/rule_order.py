"""Moving a rule up or down in the editor without breaking the one rule order.

Rules fire by priority (lower first), then in the order the document lists them
(``language.engine_rule.in_rule_order``, used here too). Moving a row only in the list
would do nothing when its neighbour has another priority, so a move works on the rule
order itself: the rows are put in rule order, the moved rule swaps places *and
priorities* with its neighbour there, and the document is saved in that order.
Priorities stay the same set of numbers, still ascending down the list, so the list a
person reads is the order the engine uses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from policy_service.language.document import MAX_PRIORITY
from policy_service.language.engine_rule import in_rule_order

STEPS = {"up": -1, "down": 1}


@dataclass(frozen=True)
class _Placed:
    """A row's priority and place, for the language's one rule order."""

    priority: int
    index: int


def _priority(row: Mapping[str, Any]) -> int:
    """The row's priority; one that is not a whole number sorts last (validation says why)."""
    text = str(row.get("priority", "")).strip()
    return int(text) if text.isdigit() else MAX_PRIORITY + 1


def moved(rows: Sequence[Mapping[str, Any]], index: int, step: int) -> list[dict[str, Any]]:
    """The rows in rule order with row ``index`` (of ``rows``) moved ``step`` (-1 or +1)."""
    order = [placed.index for placed in in_rule_order(
        _Placed(_priority(row), i) for i, row in enumerate(rows))]
    ordered = [dict(rows[i]) for i in order]
    if not 0 <= index < len(rows):
        return ordered
    here = order.index(index)
    there = here + step
    if not 0 <= there < len(ordered):
        return ordered
    mine, theirs = ordered[here], ordered[there]
    mine["priority"], theirs["priority"] = theirs["priority"], mine["priority"]
    ordered[here], ordered[there] = theirs, mine
    return ordered


def move_request(form: Mapping[str, str]) -> tuple[int, int] | None:
    """The pressed move button as (index among the kept rows, step), or None.

    The button names the row's place on the page (``"3:up"``); rows ticked for deletion are
    not among the submitted rows, so the place is counted without them.
    """
    value = form.get("move_rule") or ""
    place, _, direction = value.partition(":")
    if not place.isdigit() or direction not in STEPS:
        return None
    shown = int(place)
    deleted = sum(1 for i in range(shown) if form.get(f"rules-{i}-delete"))
    if form.get(f"rules-{shown}-delete"):
        return None
    return shown - deleted, STEPS[direction]
