"""Dunning steps from the escalation rule set: which are new, which messages go, what holds."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from policy_service.domain.codes import INTERNAL_CHANNELS
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

    @property
    def customer_channels(self) -> tuple[str, ...]:
        """The channels that reach the customer (email, SMS, letter)."""
        return tuple(c for c in self.channels if c not in INTERNAL_CHANNELS)

    @property
    def internal_channels(self) -> tuple[str, ...]:
        """The channels that reach the company's own people (a task)."""
        return tuple(c for c in self.channels if c in INTERNAL_CHANNELS)


@dataclass(frozen=True)
class Send:
    """One step's message on some of its channels."""

    step: Step
    channels: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    """What to do for one invoice today: record every new step, send the most advanced
    customer-facing message and the most advanced internal task, apply the actions."""

    record: tuple[Step, ...]
    message: Step | None  # the most advanced new step with a customer-facing channel
    task: Step | None  # the most advanced new step with an internal channel
    actions: frozenset[str]

    @property
    def sends(self) -> tuple[Send, ...]:
        """The messages that go out: the customer's first, then the internal task."""
        found = []
        if self.message is not None:
            found.append(Send(self.message, self.message.customer_channels))
        if self.task is not None:
            found.append(Send(self.task, self.task.internal_channels))
        return tuple(found)

    def sent(self, step: Step) -> bool:
        """Whether ``step``'s own message goes out today (on some channel)."""
        return step is self.message or step is self.task


def step_of(rule: str, priority: int, then: Mapping[str, Any]) -> Step:
    """A Step from a validated escalation ``then``."""
    return Step(rule, str(then["step"]), priority, tuple(then["channels"]),
                tuple(then.get("actions", [])), dict(then["message"]))


def due_steps(ruleset: RuleSet, matched: Iterable[str]) -> list[Step]:
    """The matched steps, least to most advanced (``RuleSet.all_matches``: the rule order)."""
    return [step_of(r.name, r.priority, r.then) for r in ruleset.all_matches(matched)]


def plan(due: Iterable[Step], done: Iterable[str]) -> Plan:
    """Record each due step not done yet; of the new ones, the most advanced with a
    customer-facing channel sends to the customer and the most advanced with an internal
    channel creates the task, each chosen separately (policy.md part two: on catch-up the
    customer still gets the overdue email when a phone task falls due the same day).

    ``due`` is least to most advanced (as ``due_steps`` gives it), so each is the last of
    its kind. Actions are those of every due step (done or new), so a state change such as
    stop_supply holds as long as its step's condition holds.
    """
    due = list(due)
    finished = set(done)
    new = tuple(s for s in due if s.rule not in finished)
    message = next((s for s in reversed(new) if s.customer_channels), None)
    task = next((s for s in reversed(new) if s.internal_channels), None)
    actions = frozenset(a for s in due for a in s.actions)
    return Plan(new, message, task, actions)
