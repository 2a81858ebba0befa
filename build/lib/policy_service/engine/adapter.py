"""DurableRulesEngine: the RuleEngine on durable-rules 2.0.28, safe for threads and reloads.

- Evaluation asserts ONE fact (a copy of the caller's, plus a type tag and the session id):
  every rule whose condition holds fires once (facts, unlike events, are not consumed by
  the first match), its rank recorded by ``TimerlessHost.assert_json`` on this thread.
- Each loaded version has ONE C session (sid ``SESSION``), empty between evaluations:
  a fact that matches nothing is not stored by the C engine, so nothing is left to clean
  up; a fact that matched is stored, so the session is deleted after its actions ran.
  A session is only deleted once an action started in it: the C engine leaves a new
  session's action context uninitialized and ``delete_state`` frees it (the no-match
  segfault of tests/unit/test_engine_quirks.py). Where none did (after an error, on
  unload) the session is first primed with the fact only the sentinel rule matches.
  After a failed evaluation the session is deleted (or, failing that, before the next
  one), so pending results of one evaluation never reach another.
- One lock per instance serializes evaluate/load/unload: evaluations share the session,
  and durable's Python layer is not thread-safe. Scale out with processes.
- Reload registers each version under a new internal name ``<key>__v<n>``, swaps the
  active pointer under the lock, then deletes the old version's session, removes the old
  ruleset from the Host and frees it with ``durable_rules_engine.delete_ruleset``. If the
  C engine refuses the new definition (e.g. error 105), ``EngineLoadError`` carries its
  message and the old version serves on.
- Facts: nested dicts of ints/strings (money in integer cents). Dotted paths work on both
  sides (``{"$gt": {"order.amount": {"$m": "customer.limit"}}}``), and so does nested
  right-hand arithmetic (``$add/$sub/$mul`` of ``$m`` references and literals), so facts
  are passed nested, unflattened. Booleans equal 1/0 (``True == 1``). A missing property
  makes any test on it false (see ``conditions`` for the guards this needs).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from policy_service.engine.definition import build_definition, prime_fact, tag_fact
from policy_service.engine.errors import EngineError, EngineLoadError, UnknownRulesetError
from policy_service.engine.host import TimerlessHost
from policy_service.language.engine_rule import EngineRule

log = logging.getLogger(__name__)
KEY_PATTERN = re.compile(r"[A-Za-z0-9_.:-]{1,200}")
SESSION = "1"
"""The sid of every evaluation: one C session per loaded version, empty in between."""
_PRIME = json.dumps(prime_fact(SESSION))


def _encode(fact: dict[str, Any]) -> str:
    """The fact as the JSON the C engine parses (as ``durable.engine.Ruleset`` writes it)."""
    try:
        return json.dumps(fact, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise EngineError(f"evaluation failed: facts are not JSON: {exc}") from exc


class _Version:
    """The active ruleset of a key, its rule names by rank, and its session's state."""

    __slots__ = ("dirty", "handle", "live", "name", "names", "primed")

    def __init__(self, name: str, names: tuple[str, ...], handle: int) -> None:
        """A version whose session does not exist yet."""
        self.name = name
        self.names = names
        self.handle = handle
        # live: the session may exist (a fact was asserted since it was last deleted);
        # primed: an action started in it since it was created, so deleting it is safe;
        # dirty: a failed evaluation left it undeleted, so delete it before the next one.
        self.live = False
        self.primed = False
        self.dirty = False


class DurableRulesEngine:
    """RuleEngine backed by one timer-less durable-rules Host, guarded by one lock."""

    def __init__(self) -> None:
        """An engine with nothing loaded."""
        self._lock = threading.Lock()
        self._host = TimerlessHost()
        self._active: dict[str, _Version] = {}
        self._numbers: dict[str, int] = {}

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
            self._active[key] = _Version(name, definition.names, self._host.handle(name))
            if old is not None:
                self._free(old)

    def evaluate(self, key: str, facts: Mapping[str, Any]) -> list[str]:
        """Names of all rules whose condition holds, by (priority, definition order)."""
        payload = _encode(tag_fact(facts, SESSION))
        with self._lock:
            version = self._active.get(key)
            if version is None:
                raise UnknownRulesetError(f"no rule set loaded under {key!r}")
            ranks = self._assert(version, payload)
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
            self._free(version)

    def close(self) -> None:
        """Unload every rule set (the engine stays usable)."""
        for key in self.loaded_keys():
            self.unload(key)

    def _assert(self, version: _Version, payload: str) -> list[int]:
        """Assert the fact in the version's session, return fired ranks, leave it empty."""
        host = self._host
        if version.dirty:
            self._close(version)
        fired: list[int] = []
        host.fired = fired
        version.live = True
        try:
            handled, started = host.assert_json(version.handle, payload)
        except Exception as exc:
            self._discard(version)
            raise EngineError(f"evaluation failed: {exc}") from exc
        except BaseException:
            version.dirty = True
            raise
        version.primed = version.primed or started
        if handled:
            self._close(version)
        return fired

    def _close(self, version: _Version) -> None:
        """Delete the version's session (priming it first if no action ever started in it)."""
        if version.live:
            try:
                if not version.primed:
                    self._host.assert_json(version.handle, _PRIME, dispatch=False)
                self._host.delete_session(version.handle, SESSION)
            except Exception as exc:
                version.dirty = True
                raise EngineError(f"could not delete session of {version.name}: {exc}") from exc
        version.live = version.primed = version.dirty = False

    def _discard(self, version: _Version) -> None:
        """After a failed evaluation: delete the session, or leave it for the next call."""
        try:
            self._close(version)
        except EngineError:
            log.exception("could not delete the session after a failed evaluation")

    def _free(self, version: _Version) -> None:
        """Delete the version's session, then remove and free its C ruleset."""
        try:
            self._close(version)
        except EngineError:
            log.exception("could not delete the session of %s", version.name)
        try:
            self._host.remove(version.name)
        except Exception:
            log.exception("could not free engine ruleset %s", version.name)
