"""A durable-rules Host without timer threads, whose actions only record which rule fired.

A stock ``Host.__init__`` calls ``_run``, which starts two timer threads that dispatch
pending actions of any session every 0.2 s; racing with request threads they lost results
and segfaulted. Here ``_run`` starts nothing: actions run synchronously inside
``assert_fact`` on the calling thread. The Host is not thread-safe; callers serialize.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import durable_rules_engine
from durable.engine import Host, MessageNotHandledException

from policy_service.engine.definition import action_rank

__all__ = ["MessageNotHandledException", "TimerlessHost"]


def _ignore(closure: Any) -> None:
    """The sentinel rule's action: nothing to record."""


class TimerlessHost(Host):
    """A Host that starts no threads; ``fired`` collects the ranks of fired rules."""

    def __init__(self) -> None:
        """An empty host; rulesets are added with ``add``."""
        self.fired: list[int] = []
        super().__init__()

    def _run(self) -> None:
        """Start no timer threads (the stock Host starts two)."""

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        """The callable for an action name: record the rule's rank, or nothing (sentinel)."""
        rank = action_rank(action_name)
        if rank is None:
            return _ignore

        def record(closure: Any) -> None:
            self.record(rank)

        return record

    def record(self, rank: int) -> None:
        """Note that the rule of this rank fired for the current evaluation."""
        self.fired.append(rank)

    def add(self, name: str, ruleset: dict[str, Any]) -> None:
        """Create a C ruleset under ``name`` (the definition is consumed: pass a copy)."""
        self.register_rulesets({name: ruleset})

    def remove(self, name: str) -> None:
        """Forget ruleset ``name`` and free its C engine memory."""
        ruleset = self._ruleset_directory.pop(name)
        self._ruleset_list.remove(ruleset)
        durable_rules_engine.delete_ruleset(ruleset._handle)

    def names(self) -> list[str]:
        """Internal names of the rulesets this host holds."""
        return list(self._ruleset_directory)
