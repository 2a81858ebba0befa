"""DurableRulesEngine: the RuleEngine on durable-rules 2.0.28, safe for threads and reloads.

- Evaluation asserts ONE fact (a copy of the caller's, plus a type tag and a fresh sid):
  every rule whose condition holds fires once (facts, unlike events, are not consumed by
  the first match). The session is deleted in ``finally``, so no state is left behind.
- One lock per instance serializes evaluate/load/unload: the C engine finds sessions by a
  32-bit hash of the sid and its Python layer is not thread-safe. Scale out with processes.
- Reload registers each version under a new internal name ``<key>__v<n>``, swaps the
  active pointer under the lock, then removes the old ruleset from the Host and frees it
  with ``durable_rules_engine.delete_ruleset``. If the C engine refuses the new definition
  (e.g. error 105), ``EngineLoadError`` carries its message and the old version serves on.
- Facts: nested dicts of ints/strings (money in integer cents). Dotted paths work on both
  sides (``{"$gt": {"order.amount": {"$m": "customer.limit"}}}``), and so does nested
  right-hand arithmetic (``$add/$sub/$mul`` of ``$m`` references and literals), so facts
  are passed nested, unflattened. Booleans equal 1/0 (``True == 1``). A missing property
  makes any test on it false (see ``conditions`` for the guards this needs).
"""

from __future__ import annotations

import itertools
import logging
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from policy_service.engine.definition import build_definition, tag_fact
from policy_service.engine.errors import EngineError, EngineLoadError, UnknownRulesetError
from policy_service.engine.host import MessageNotHandledException, TimerlessHost
from policy_service.engine.rule import EngineRule

log = logging.getLogger(__name__)
KEY_PATTERN = re.compile(r"[A-Za-z0-9_.:-]{1,200}")


@dataclass(frozen=True)
class _Version:
    """The active ruleset of a key: its internal name and rule names by rank."""

    name: str
    names: tuple[str, ...]


class DurableRulesEngine:
    """RuleEngine backed by one timer-less durable-rules Host, guarded by one lock."""

    def __init__(self) -> None:
        """An engine with nothing loaded."""
        self._lock = threading.Lock()
        self._host = TimerlessHost()
        self._active: dict[str, _Version] = {}
        self._numbers: dict[str, int] = {}
        self._sids = itertools.count(1)

    def load(self, key: str, rules: Sequence[EngineRule]) -> None:
        """Register a new version of ``key`` and swap to it; on failure keep the old one."""
        if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
            raise EngineLoadError(f"invalid rule set key {key!r} (use [A-Za-z0-9_.:-])")
        definition = build_definition(rules)
        with self._lock:
            number = self._numbers.get(key, 0) + 1
            self._numbers[key] = number
            name = f"{key}__v{number}"
            try:
                self._host.add(name, definition.ruleset)
            except Exception as exc:
                raise EngineLoadError(f"engine refused rule set {key!r}: {exc}") from exc
            old = self._active.get(key)
            self._active[key] = _Version(name, definition.names)
            if old is not None:
                self._free(old.name)

    def evaluate(self, key: str, facts: Mapping[str, Any]) -> list[str]:
        """Names of all rules whose condition holds, by (priority, definition order)."""
        fact = tag_fact(facts, str(next(self._sids)))
        with self._lock:
            version = self._active.get(key)
            if version is None:
                raise UnknownRulesetError(f"no rule set loaded under {key!r}")
            ranks = self._assert(version.name, fact)
        return [version.names[rank] for rank in sorted(set(ranks))]

    def loaded_keys(self) -> list[str]:
        """The keys that currently have a rule set loaded, sorted."""
        with self._lock:
            return sorted(self._active)

    def unload(self, key: str) -> None:
        """Drop the rule set loaded under ``key`` and free its engine memory."""
        with self._lock:
            version = self._active.pop(key, None)
            if version is None:
                raise UnknownRulesetError(f"no rule set loaded under {key!r}")
            self._free(version.name)

    def close(self) -> None:
        """Unload every rule set (the engine stays usable)."""
        for key in self.loaded_keys():
            self.unload(key)

    def _assert(self, name: str, fact: dict[str, Any]) -> list[int]:
        """Assert ``fact`` in a fresh session, return fired ranks, always delete the session."""
        host = self._host
        host.fired = fired = []
        asserted = False
        try:
            try:
                state = host.assert_fact(name, fact)
            except MessageNotHandledException:
                state = None
            except Exception as exc:
                raise EngineError(f"evaluation failed: {exc}") from exc
            asserted = True
        finally:
            self._delete_session(name, fact["sid"], strict=asserted)
        if isinstance(state, dict) and state.get("exception"):
            raise EngineError(f"a rule action failed: {state['exception']}")
        return fired

    def _delete_session(self, name: str, sid: str, strict: bool) -> None:
        try:
            self._host.delete_state(name, sid)
        except Exception as exc:
            if strict:
                raise EngineError(f"could not delete session {sid}: {exc}") from exc

    def _free(self, name: str) -> None:
        try:
            self._host.remove(name)
        except Exception:
            log.exception("could not free engine ruleset %s", name)
