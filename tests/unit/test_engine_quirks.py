"""What the bare durable-rules 2.0.28 engine does, that the adapter works around.

These pin the engine's behaviour: if an upgrade fixes a quirk, its test fails and the
matching workaround in policy_service/engine can be reconsidered.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
from typing import Any

from durable.engine import Host

from policy_service.engine.conditions import TAG
from policy_service.engine.definition import SENTINEL
from policy_service.engine.host import TimerlessHost


def _rule(condition: dict[str, Any]) -> dict[str, Any]:
    return {"all": [{"m": {"$and": [{TAG: 1}, condition]}}], "pri": 0, "run": "r0"}


def _fires(condition: dict[str, Any], fact: dict[str, Any]) -> bool:
    """Whether a raw condition fires in the bare engine (with a sentinel, no adapter)."""
    host = TimerlessHost()
    host.add("q", {"r0": _rule(condition),
                   SENTINEL: {"all": [{"m": {TAG: 1}}], "pri": 1, "run": SENTINEL}})
    try:
        host.fired = []
        host.assert_fact("q", {**fact, TAG: 1, "sid": "1"})
        host.delete_state("q", "1")
        return host.fired == [0]
    finally:
        host.remove("q")


def test_missing_m_reference_makes_any_comparison_true() -> None:
    for op in ("$lt", "$gt", "$neq"):
        assert _fires({op: {"x": {"$m": "nope"}}}, {"x": 5})


def test_multi_key_object_tests_only_one_key() -> None:
    assert _fires({"x": 5, "o.a": 11}, {"x": 5, "o": {"a": 10}})


def test_literal_only_arithmetic_is_wrong() -> None:
    assert not _fires({"x": {"$add": {"$l": 1, "$r": 4}}}, {"x": 5})


def test_dotted_m_paths_and_nested_arithmetic_work() -> None:
    diff = {"$sub": {"$l": {"$m": "o.a"}, "$r": {"$mul": {"$l": 3, "$r": {"$m": "c.l"}}}}}
    assert _fires({"$lt": {"z": diff}}, {"z": 0, "o": {"a": 10}, "c": {"l": 3}})
    assert not _fires({"$lt": {"z": diff}}, {"z": 0, "o": {"a": 9}, "c": {"l": 3}})


def test_deleting_a_session_where_nothing_matched_crashes() -> None:
    """The reason for the adapter's sentinel rule (SIGSEGV or a glibc abort): in a child.

    The crash is a use-after-free, so whether one deletion hits it depends on the heap's
    layout (which any import can change); deleting a few such sessions always does.
    """
    code = textwrap.dedent(f"""
        from policy_service.engine.host import TimerlessHost, MessageNotHandledException
        host = TimerlessHost()
        host.add("q", {{"r0": {_rule({"x": 6})!r}}})
        missed = 0
        for sid in range(1, 30):
            try:
                host.assert_fact("q", {{"x": 5, "y": 1, "{TAG}": 1, "sid": str(sid)}})
            except MessageNotHandledException:
                missed += 1
        print("not handled" if missed == 29 else "handled", flush=True)
        for sid in range(1, 30):
            host.delete_state("q", str(sid))
        print("survived", flush=True)
    """)
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           timeout=60)
    assert child.stdout.split() == ["not", "handled"]
    assert child.returncode < 0, child.stderr


def test_stock_host_starts_timer_threads() -> None:
    before = threading.active_count()
    host = Host()
    try:
        assert threading.active_count() >= before + 2
    finally:
        host._d_timer.cancel()
        host._t_timer.cancel()


def test_only_a_matched_fact_is_kept_in_the_session() -> None:
    """Why the adapter need not clean up after a no-match: the C engine keeps nothing."""
    host = TimerlessHost()
    host.add("q", {"r0": _rule({"x": 6})})
    try:
        handle = host.handle("q")
        assert host.assert_json(handle, json.dumps({"x": 5, TAG: 1, "sid": "1"})) == (False,
                                                                                      False)
        assert host.get_facts("q", "1") == []
        assert host.assert_json(handle, json.dumps({"x": 6, TAG: 1, "sid": "1"})) == (True, True)
        assert host.fired == [0]
        assert host.get_facts("q", "1") == [{"x": 6, TAG: 1, "sid": "1"}]
        host.delete_session(handle, "1")
    finally:
        host.remove("q")


def test_deleting_a_session_once_an_action_started_in_it_is_safe() -> None:
    """What the adapter's priming relies on: after one action cycle the session's context is
    initialized, and later no-match asserts do not spoil it. In a child, 200 rounds."""
    code = textwrap.dedent(f"""
        import json
        from policy_service.engine.host import TimerlessHost
        host = TimerlessHost()
        host.add("q", {{"r0": {_rule({"x": 6})!r},
                       "{SENTINEL}": {{"all": [{{"m": {{"{TAG}": 2}}}}], "pri": 1,
                                      "run": "{SENTINEL}"}}}})
        handle = host.handle("q")
        for sid in range(200):
            for x in range(5):
                host.assert_json(handle, json.dumps({{"x": x, "{TAG}": 1, "sid": str(sid)}}))
            host.assert_json(handle, json.dumps({{"{TAG}": 2, "sid": str(sid)}}), dispatch=False)
            for x in range(5):
                host.assert_json(handle, json.dumps({{"x": x, "{TAG}": 1, "sid": str(sid)}}))
            host.delete_session(handle, str(sid))
        print("survived", flush=True)
    """)
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           timeout=60)
    assert child.returncode == 0 and child.stdout.split() == ["survived"], child.stderr
