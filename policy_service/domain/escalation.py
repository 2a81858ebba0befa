"""Dunning steps from the escalation rule set: which are new, which message goes, what holds."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from policy_service.language.document import RuleSet


@dataclass(frozen=True)
class Step:
    """One dunning step: its rule (the unique key per invoice), step name, channels, actions."""

    rule: str
    step: str
    priority: int
    channels: tuple[str, ...]
    actions: tuple[str, ...]
    message: Mapping[str, str]


@dataclass(frozen=True)
class Plan:
    """What to do for one invoice today: record every new step, send one message, apply actions."""

    record: tuple[Step, ...]
    message: Step | None
    actions: frozenset[str]


def step_of(rule: str, priority: int, then: Mapping[str, Any]) -> Step:
    """A Step from a validated escalation ``then``."""
    return Step(rule, str(then["step"]), priority, tuple(then["channels"]),
                tuple(then.get("actions", [])), dict(then["message"]))


def due_steps(ruleset: RuleSet, matched: Iterable[str]) -> list[Step]:
    """The matched steps, least to most advanced (``RuleSet.all_matches``: the rule order)."""
    return [step_of(r.name, r.priority, r.then) for r in ruleset.all_matches(matched)]


def plan(due: Iterable[Step], done: Iterable[str]) -> Plan:
    """Record each due step not done yet; only the most advanced new one sends its message.

    ``due`` is least to most advanced (as ``due_steps`` gives it), so that is the last.

    Actions are those of every due step (done or new), so a state change such as
    stop_supply holds as long as its step's condition holds.
    """
    due = list(due)
    finished = set(done)
    new = tuple(s for s in due if s.rule not in finished)
    message = new[-1] if new else None
    actions = frozenset(a for s in due for a in s.actions)
    return Plan(new, message, actions)
