"""A rule-by-rule three-way merge of rule set documents, for rebasing a draft.

`base` is the version the draft started from, `ours` the draft, `theirs` the version
published meanwhile. A rule (or a top-level field such as the description) changed on one
side only takes that side; changed the same way on both, it is taken once; changed
differently on both sides (deleted on one, edited on the other included) it is a conflict
that keeps the draft's side until the author resolves it. Nothing is silently reverted.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from policy_service.services.rules.diff import rule_changes

MISSING: Any = None
"""An absent rule or field on one side (rules and fields are never JSON null here)."""


@dataclass
class Merge:
    """The merged document and the conflicts left for the author (each keeps the draft's side)."""

    document: dict[str, Any]
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    taken: list[str] = field(default_factory=list)
    """Items taken from the published side ("rule:NAME", "description", ...)."""


def rule_key(name: str) -> str:
    """How a rule's conflict is named (top-level fields go by their own name)."""
    return f"rule:{name}"


def _rules(document: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(r.get("name")): dict(r) for r in document.get("rules", [])
            if isinstance(r, Mapping)}


def _pick(base: Any, ours: Any, theirs: Any) -> tuple[str, Any]:
    """("ours"|"theirs"|"same"|"conflict", value) for one item on three sides."""
    if ours == theirs:
        return "same", ours
    if ours == base:
        return "theirs", theirs
    if theirs == base:
        return "ours", ours
    return "conflict", ours


def _conflict(key: str, base: Any, ours: Any, theirs: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"key": key, "base": base, "ours": ours, "theirs": theirs}
    if key.startswith("rule:"):
        entry["rule"] = key[len("rule:"):]
        entry["fields"] = (rule_changes(ours, theirs) if ours and theirs else {})
    return entry


def three_way(base: Mapping[str, Any], ours: Mapping[str, Any],
              theirs: Mapping[str, Any]) -> Merge:
    """Merge `ours` (the draft) with `theirs` (published) since their common `base`."""
    merged: dict[str, Any] = {}
    result = Merge(merged)
    for key in [*ours.keys(), *(k for k in theirs if k not in ours)]:
        if key == "rules":
            continue
        state, value = _pick(base.get(key, MISSING), ours.get(key, MISSING),
                             theirs.get(key, MISSING))
        if state == "conflict":
            result.conflicts.append(_conflict(key, base.get(key), ours.get(key),
                                              theirs.get(key)))
        elif state == "theirs":
            result.taken.append(key)
        if value is not MISSING:
            merged[key] = copy.deepcopy(value)
    merged["rules"] = _merge_rules(base, ours, theirs, result)
    return result


def _merge_rules(base: Mapping[str, Any], ours: Mapping[str, Any], theirs: Mapping[str, Any],
                 result: Merge) -> list[dict[str, Any]]:
    """The draft's rule order, with the published side's additions after their predecessor."""
    b, o, t = _rules(base), _rules(ours), _rules(theirs)
    chosen: dict[str, Any] = {}
    for name in [*o, *(n for n in t if n not in o), *(n for n in b if n not in o and n not in t)]:
        state, value = _pick(b.get(name), o.get(name), t.get(name))
        if state == "conflict":
            result.conflicts.append(_conflict(rule_key(name), b.get(name), o.get(name),
                                              t.get(name)))
        elif state == "theirs":
            result.taken.append(rule_key(name))
        chosen[name] = value
    order = [n for n in o]
    theirs_order = list(t)
    for index, name in enumerate(theirs_order):
        if name in order:
            continue
        before = next((p for p in reversed(theirs_order[:index]) if p in order), None)
        order.insert(order.index(before) + 1 if before is not None else 0, name)
    return [copy.deepcopy(chosen[n]) for n in order if chosen.get(n) is not None]


def resolve(document: Mapping[str, Any], conflict: Mapping[str, Any],
            take: str) -> dict[str, Any]:
    """The document with one conflict settled: "ours" keeps the draft as it is now,
    "theirs" puts the published side in (a rule deleted there is deleted)."""
    resolved = copy.deepcopy(dict(document))
    if take == "ours":
        return resolved
    key, value = str(conflict["key"]), copy.deepcopy(conflict.get("theirs"))
    if not key.startswith("rule:"):
        if value is None:
            resolved.pop(key, None)
        else:
            resolved[key] = value
        return resolved
    name = key[len("rule:"):]
    rules = [dict(r) for r in resolved.get("rules", [])]
    names = [str(r.get("name")) for r in rules]
    if name in names:
        index = names.index(name)
        rules[index:index + 1] = [value] if value is not None else []
    elif value is not None:
        rules.append(value)
    resolved["rules"] = rules
    return resolved
