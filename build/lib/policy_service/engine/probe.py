"""Time-boxed probing: load a compiled rule set into a fresh engine in a child process.

A draft is proved loadable before it is stored or published, but the C engine is not
ours: a shape it chokes on could hang or crash the calling worker while it holds the
engine lock. So the probe runs ``python -m policy_service.engine.probe`` with the rules as
JSON on stdin, under a memory limit, and is killed after ``PROBE_SECONDS``; the worker only
waits. A refusal, a crash or the deadline is an ``EngineLoadError`` with a clear message.
Starting the child costs about 0.1 s, paid once per process for each distinct rule set
(a rule set that loaded once loads again: the outcome is kept in a small bounded cache).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Sequence

from policy_service.engine.adapter import DurableRulesEngine
from policy_service.engine.errors import EngineLoadError
from policy_service.language.cache import BoundedCache
from policy_service.language.engine_rule import EngineRule
from policy_service.language.limits import PROBE_SECONDS

PROBE_MEMORY_BYTES = 1024 * 1024 * 1024
"""Address space the probing child may use."""
_REFUSED = 3
PROBED: BoundedCache[str, bool] = BoundedCache(256)
"""sha256 of the rules' JSON -> True, for every rule set that loaded in a child."""


class RuleRefused(EngineLoadError):
    """The engine refused one rule of the set (``rule`` names it), alone as in the set."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(f"rule {rule!r}: {message}")
        self.rule = rule
        self.reason = message


class ProbeTimeout(EngineLoadError):
    """The engine did not finish loading the rule set within the deadline."""

    code = "engine_probe_timeout"


def probe(rules: Sequence[EngineRule], timeout: float = PROBE_SECONDS) -> None:
    """Load ``rules`` in a fresh engine in a child process; EngineLoadError unless it loads
    within ``timeout`` seconds."""
    payload = json.dumps([{"name": r.name, "priority": r.priority, "condition": r.condition}
                          for r in rules])
    PROBED.get(hashlib.sha256(payload.encode()).hexdigest(),
               lambda: _probe_in_child(payload, timeout))


def _probe_in_child(payload: str, timeout: float) -> bool:
    try:
        done = subprocess.run([sys.executable, "-m", "policy_service.engine.probe"],
                              input=payload, capture_output=True, text=True, timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired as exc:
        raise ProbeTimeout(f"the engine took longer than {timeout:g} s to load the rule set; "
                           "simplify its conditions") from exc
    if done.returncode == 0:
        return True
    if done.returncode == _REFUSED:
        refused = json.loads(done.stdout)
        if refused.get("rule"):
            raise RuleRefused(refused["rule"], refused["message"])
        raise EngineLoadError(refused["message"])
    raise EngineLoadError(f"the engine failed loading the rule set (exit {done.returncode}): "
                          f"{done.stderr.strip()[-300:]}")


def _limit_memory() -> None:
    try:
        import resource
    except ImportError:  # not on Linux/macOS: no limit
        return
    resource.setrlimit(resource.RLIMIT_AS, (PROBE_MEMORY_BYTES, PROBE_MEMORY_BYTES))


def main() -> int:
    """The child: read the rules from stdin, load and unload them, say what happened."""
    _limit_memory()
    rules = [EngineRule(r["name"], r["priority"], r["condition"])
             for r in json.load(sys.stdin)]
    engine = DurableRulesEngine()
    try:
        engine.load("probe", rules)
    except EngineLoadError as exc:
        print(json.dumps(_culprit(engine, rules) or {"rule": None, "message": str(exc)}))
        return _REFUSED
    engine.unload("probe")
    return 0


def _culprit(engine: DurableRulesEngine, rules: list[EngineRule]) -> dict[str, str] | None:
    """The first rule the engine refuses on its own, to say which rule to simplify."""
    for number, rule in enumerate(rules):
        try:
            engine.load(f"rule{number}", [rule])
        except EngineLoadError as exc:
            return {"rule": rule.name, "message": str(exc)}
        engine.unload(f"rule{number}")
    return None


if __name__ == "__main__":
    sys.exit(main())
