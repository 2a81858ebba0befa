"""A durable-rules Host without timer threads, and the C-level calls the adapter evaluates with.

A stock ``Host.__init__`` calls ``_run``, which starts two timer threads that dispatch
pending actions of any session every 0.2 s; racing with request threads they lost results
and segfaulted. Here ``_run`` starts nothing. The Host is not thread-safe; callers serialize.

``assert_json`` is the evaluation path: it asserts one JSON fact and runs the actions it
started on the calling thread, reading each fired rule's name from the action message
instead of going through ``Host.assert_fact`` (which builds a Closure, re-serializes the
session state and round-trips it through ``update_state`` for every firing, ~24 µs each).
Our actions never change the session state, so skipping ``update_state`` changes nothing
the C engine sees; ``start_action_for_state``/``complete_and_start_action`` still delete
each dispatched result, exactly as in ``Ruleset._flush_actions``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import durable_rules_engine
from durable.engine import Host, MessageNotHandledException

from policy_service.engine.definition import action_rank

__all__ = ["NOT_HANDLED", "MessageNotHandledException", "TimerlessHost"]

NOT_HANDLED = 1
"""``assert_fact`` result code: no rule matched, so the C engine did not store the fact."""


def _ignore(closure: Any) -> None:
    """The sentinel rule's action: nothing to record."""


def _action_name(message: str) -> str:
    """The rule name an action message starts with: ``{"r3":{"m":{...}}}`` -> ``r3``."""
    return message[2:message.index('"', 2)]


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

    def handle(self, name: str) -> int:
        """The C engine handle of ruleset ``name``."""
        handle: int = self._ruleset_directory[name]._handle
        return handle

    def assert_json(self, handle: int, payload: str, dispatch: bool = True) -> tuple[bool, bool]:
        """Assert one JSON fact and run every action it starts, in (pri, order), here.

        Returns ``(handled, started)``: whether any rule matched (the C engine then keeps the
        fact in the session), and whether an action was started in the session. With
        ``dispatch`` each fired rule's rank goes to ``record``; without, actions are only
        completed. If recording raises, the action is abandoned and the exception propagates
        (results of the session may then still be pending: the caller deletes the session).
        Errors of the C engine raise ``durable_rules_engine.error``.
        """
        code, state = durable_rules_engine.assert_fact(handle, payload)
        if code == NOT_HANDLED:
            return False, False
        if code != 0:
            raise durable_rules_engine.error(f"unexpected assert result code {code}")
        started = durable_rules_engine.start_action_for_state(handle, state)
        if started is None:
            return True, False
        message: str | None = started[1]
        while message:
            if dispatch:
                rank = action_rank(_action_name(message))
                if rank is not None:
                    try:
                        self.record(rank)
                    except BaseException:
                        durable_rules_engine.abandon_action(handle, state)
                        raise
            message = durable_rules_engine.complete_and_start_action(handle, state)
        return True, True

    def delete_session(self, handle: int, sid: str) -> None:
        """Delete session ``sid``: only safe once an action was started in it (see adapter)."""
        durable_rules_engine.delete_state(handle, sid)
