"""Build a durable-rules ruleset definition (pure data) from EngineRules, and tag facts.

Each rule becomes ``{"r<rank>": {"all": [{"m": {"$and": [{TAG: 1}, condition]}}],
"pri": rank, "run": "r<rank>"}}`` where rank is the rule's position in the rule order
(``in_rule_order``: priority, then definition order): the engine sees only its own keys and
our names never reach it.

One extra SENTINEL rule matches only the PRIMING fact (``{TAG: PRIME}``), never an
evaluated one (``{TAG: 1}``). The C engine's ``createStateNode`` leaves the session's action
context uninitialized and ``delete_state`` frees it, so deleting a session in which no
action ever started frees garbage and segfaults (tests/unit/test_engine_quirks.py). The
adapter deletes a session only after an action started in it; when it must delete one
where none did (after an error, on unload) it first asserts the priming fact, whose
sentinel action initializes the context. The sentinel's action records nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from policy_service.engine.conditions import RESERVED_ROOTS, TAG, ConditionError, normalize
from policy_service.engine.errors import EngineError, EngineLoadError
from policy_service.language.engine_rule import EngineRule, in_rule_order

SENTINEL = "sentinel"
RULE_PREFIX = "r"
EVALUATED = 1
"""The TAG value of an evaluated fact: every rule ANDs ``{TAG: EVALUATED}``."""
PRIME = 2
"""The TAG value of the priming fact: only the SENTINEL rule matches it."""


@dataclass(frozen=True)
class Definition:
    """An engine ruleset definition and the rule names by rank."""

    ruleset: dict[str, Any]
    names: tuple[str, ...]


def rule_action(rank: int) -> str:
    """The internal rule and action name for the rule of this rank."""
    return f"{RULE_PREFIX}{rank}"


def action_rank(action: str) -> int | None:
    """The rank an action name stands for, or ``None`` for the sentinel."""
    if action == SENTINEL:
        return None
    if not action.startswith(RULE_PREFIX) or not action[len(RULE_PREFIX):].isdigit():
        raise ValueError(f"unknown action {action!r}")
    return int(action[len(RULE_PREFIX):])


def _check(rule: Any, seen: set[str]) -> EngineRule:
    if not isinstance(rule, EngineRule):
        raise EngineLoadError(f"expected EngineRule, got {type(rule).__name__}")
    if not isinstance(rule.name, str) or not rule.name:
        raise EngineLoadError(f"rule name must be a non-empty string, got {rule.name!r}")
    if rule.name in seen:
        raise EngineLoadError(f"duplicate rule name {rule.name!r}")
    priority = rule.priority
    if not isinstance(priority, int) or isinstance(priority, bool) or priority < 0:
        raise EngineLoadError(f"rule {rule.name!r}: priority must be an int >= 0")
    seen.add(rule.name)
    return rule


def build_definition(rules: Sequence[EngineRule]) -> Definition:
    """Validate ``rules`` and compile them (``EngineLoadError`` naming the bad rule)."""
    seen: set[str] = set()
    checked = [_check(rule, seen) for rule in rules]
    order = in_rule_order(checked)
    ruleset: dict[str, Any] = {}
    names = []
    for rank, rule in enumerate(order):
        try:
            condition = normalize(rule.condition)
        except ConditionError as exc:
            raise EngineLoadError(f"rule {rule.name!r}: {exc}") from exc
        ruleset[rule_action(rank)] = {
            "all": [{"m": {"$and": [{TAG: EVALUATED}, condition]}}],
            "pri": rank,
            "run": rule_action(rank),
        }
        names.append(rule.name)
    ruleset[SENTINEL] = {"all": [{"m": {TAG: PRIME}}], "pri": len(order), "run": SENTINEL}
    return Definition(copy.deepcopy(ruleset), tuple(names))


def prime_fact(sid: str) -> dict[str, Any]:
    """The fact that fires only the SENTINEL rule, in session ``sid``."""
    return {TAG: PRIME, "sid": sid}


def tag_fact(facts: Mapping[str, Any], sid: str) -> dict[str, Any]:
    """A shallow copy of ``facts`` with the type tag and session id the rules rely on."""
    if not isinstance(facts, Mapping):
        raise EngineError(f"facts must be a mapping, got {type(facts).__name__}")
    fact = dict(facts)
    for key in fact:
        if not isinstance(key, str) or key in RESERVED_ROOTS or key.startswith("$"):
            raise EngineError(f"fact key {key!r} is reserved or not a string")
    fact[TAG] = EVALUATED
    fact["sid"] = sid
    return fact
