"""DurableRulesEngine against the real durable-rules C engine: semantics, reload, cleanup."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from policy_service.engine import (
    DurableRulesEngine,
    EngineError,
    EngineLoadError,
    EngineRule,
    RuleEngine,
    UnknownRulesetError,
)
from policy_service.engine import adapter as adapter_module

K = {"zero": 0, "one": 1}
FACT: dict[str, Any] = {
    "order": {"amount": 12000, "currency": "CNY"},
    "customer": {"tier": "C", "credit_limit": 3000, "vip": True},
    "exposure": {"total": 50000},
    "_k": K,
}


@pytest.fixture
def engine() -> Iterator[DurableRulesEngine]:
    eng = DurableRulesEngine()
    yield eng
    eng.close()


def one(engine: DurableRulesEngine, condition: dict[str, Any], fact: dict[str, Any]) -> bool:
    """Whether a single-rule rule set with ``condition`` fires for ``fact``."""
    engine.load("t", [EngineRule("r", 0, condition)])
    return engine.evaluate("t", fact) == ["r"]


def test_is_a_rule_engine(engine: DurableRulesEngine) -> None:
    assert isinstance(engine, DurableRulesEngine)
    as_protocol: RuleEngine = engine
    assert as_protocol.loaded_keys() == []


def test_one_fact_fires_every_matching_rule(engine: DurableRulesEngine) -> None:
    rules = [EngineRule(f"r{i}", 0, {"$gt": {"order.amount": i * 1000}}) for i in range(8)]
    engine.load("credit", rules)
    assert engine.evaluate("credit", FACT) == [f"r{i}" for i in range(8)]


def test_results_are_ordered_by_priority_then_definition_order(
    engine: DurableRulesEngine,
) -> None:
    rules = [EngineRule("c", 2, {"customer.tier": "C"}), EngineRule("a1", 0, {"_k.one": 1}),
             EngineRule("b", 1, {"_k.zero": 0}), EngineRule("a2", 0, {"_k.one": 1}),
             EngineRule("never", 0, {"_k.one": 2})]
    engine.load("credit", rules)
    assert engine.evaluate("credit", FACT) == ["a1", "a2", "b", "c"]


def test_no_match_returns_empty_list(engine: DurableRulesEngine) -> None:
    engine.load("credit", [EngineRule("big", 0, {"$gt": {"order.amount": 10**9}})])
    assert engine.evaluate("credit", FACT) == []
    assert engine.evaluate("credit", {}) == []


def test_empty_rule_set_answers_empty(engine: DurableRulesEngine) -> None:
    engine.load("empty", [])
    assert engine.evaluate("empty", FACT) == []


ARITH = {"$sub": {"$l": {"$m": "order.amount"},
                  "$r": {"$mul": {"$l": 3, "$r": {"$m": "customer.credit_limit"}}}}}
CASES: list[tuple[str, dict[str, Any], bool]] = [
    ("int equality", {"order.amount": 12000}, True),
    ("int inequality", {"order.amount": 12001}, False),
    ("string equality", {"customer.tier": "C"}, True),
    ("string is case-sensitive", {"customer.tier": "c"}, False),
    ("$neq", {"$neq": {"customer.tier": "A"}}, True),
    ("$gt boundary", {"$gt": {"order.amount": 12000}}, False),
    ("$gte boundary", {"$gte": {"order.amount": 12000}}, True),
    ("$lt", {"$lt": {"order.amount": 12001}}, True),
    ("$lte boundary", {"$lte": {"order.amount": 11999}}, False),
    ("$and all hold", {"$and": [{"customer.tier": "C"}, {"$gt": {"order.amount": 1}}]}, True),
    ("$and one fails", {"$and": [{"customer.tier": "C"}, {"$gt": {"order.amount": 10**6}}]},
     False),
    ("$or one holds", {"$or": [{"customer.tier": "A"}, {"order.currency": "CNY"}]}, True),
    ("$or none holds", {"$or": [{"customer.tier": "A"}, {"customer.tier": "B"}]}, False),
    ("$or inside $and", {"$and": [{"$or": [{"customer.tier": "A"}, {"customer.tier": "C"}]},
                                  {"$and": [{"_k.one": 1}, {"$lt": {"_k.zero": 1}}]}]}, True),
    ("$ex", {"$ex": {"customer.tier": 1}}, True),
    ("$ex missing", {"$ex": {"customer.nope": 1}}, False),
    ("$nex missing", {"$nex": {"customer.nope": 1}}, True),
    ("dotted $m", {"$gt": {"order.amount": {"$m": "customer.credit_limit"}}}, True),
    ("dotted $m false", {"$lt": {"order.amount": {"$m": "customer.credit_limit"}}}, False),
    # 0 < 12000 - 3 * 3000 = 3000
    ("nested arithmetic", {"$lt": {"_k.zero": ARITH}}, True),
    ("nested arithmetic false", {"$gt": {"_k.zero": ARITH}}, False),
    ("arithmetic equality", {"_k.zero": {"$sub": {"$l": ARITH, "$r": 3000}}}, True),
    ("product of two $m", {"$gt": {"exposure.total": {"$mul": {
        "$l": {"$m": "_k.one"}, "$r": {"$m": "customer.credit_limit"}}}}}, True),
    ("$add with literal right", {"$lt": {"exposure.total": {"$add": {
        "$l": {"$m": "order.amount"}, "$r": 38001}}}}, True),
    ("literal-only arithmetic is folded", {"order.amount": {"$mul": {"$l": 4, "$r": 3000}}},
     True),
    ("bool equals True", {"customer.vip": True}, True),
    ("bool equals 1 too", {"customer.vip": 1}, True),
    ("bool is not False", {"customer.vip": False}, False),
    ("missing left side is false", {"$lt": {"customer.nope": 1}}, False),
    ("missing left side $neq is false", {"$neq": {"customer.nope": 1}}, False),
    ("missing $m is false", {"$lt": {"order.amount": {"$m": "customer.nope"}}}, False),
    ("missing $m is false for $gt", {"$gt": {"order.amount": {"$m": "customer.nope"}}}, False),
    ("missing $m inside $or", {"$or": [{"$gt": {"order.amount": {"$m": "x.nope"}}},
                                       {"customer.tier": "C"}]}, True),
    ("multi-key object means all", {"customer.tier": "C", "order.amount": 1}, False),
    ("multi-key comparison means all", {"$gt": {"order.amount": 1, "exposure.total": 10**6}},
     False),
]


@pytest.mark.parametrize(("condition", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_condition_semantics(engine: DurableRulesEngine, condition: dict[str, Any],
                             expected: bool) -> None:
    assert one(engine, condition, FACT) is expected


def test_reload_swaps_the_answer_and_frees_the_old_version(engine: DurableRulesEngine) -> None:
    engine.load("credit", [EngineRule("big", 0, {"$gt": {"order.amount": 10000}})])
    assert engine.evaluate("credit", FACT) == ["big"]
    engine.load("credit", [EngineRule("big", 0, {"$gt": {"order.amount": 20000}})])
    assert engine.evaluate("credit", FACT) == []
    assert engine._host.names() == ["credit__v2"]


def test_engine_refusal_raises_load_error_and_old_version_serves(
    engine: DurableRulesEngine, monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine.load("credit", [EngineRule("big", 0, {"$gt": {"order.amount": 10000}})])
    real = adapter_module.build_definition

    def with_foreign_key(rules: Any) -> Any:
        definition = real(rules)
        definition.ruleset["r0"]["reason"] = "metadata the C engine refuses"
        return definition

    monkeypatch.setattr(adapter_module, "build_definition", with_foreign_key)
    with pytest.raises(EngineLoadError, match="error code: 105"):
        engine.load("credit", [EngineRule("small", 0, {"$lt": {"order.amount": 10000}})])
    assert engine.evaluate("credit", FACT) == ["big"]
    assert engine._host.names() == ["credit__v1"]


@pytest.mark.parametrize("condition", [
    {"$gt": {"order.amount": {"$div": {"$l": {"$m": "order.amount"}, "$r": 2}}}},
    {"$and": []},
    {"$or": []},
    {},
    {"$not": {"order.amount": 1}},
    {"order.amount": [1, 2]},
    {"$gt": {"order.amount": {"$add": {"$l": "a", "$r": {"$m": "order.amount"}}}}},
    {"sid": 1},
    {"order.amount": 2**63},
], ids=["div", "empty and", "empty or", "empty", "not", "list", "string arith", "reserved",
        "int64"])
def test_adapter_refuses_unsafe_conditions_and_old_version_serves(
    engine: DurableRulesEngine, condition: dict[str, Any],
) -> None:
    engine.load("credit", [EngineRule("big", 0, {"$gt": {"order.amount": 10000}})])
    with pytest.raises(EngineLoadError, match="rule 'bad'"):
        engine.load("credit", [EngineRule("bad", 0, condition)])
    assert engine.evaluate("credit", FACT) == ["big"]


@pytest.mark.parametrize("rules", [
    [EngineRule("a", 0, {"_k.one": 1}), EngineRule("a", 1, {"_k.one": 1})],
    [EngineRule("a", -1, {"_k.one": 1})],
    [EngineRule("", 0, {"_k.one": 1})],
    [{"name": "a"}],
], ids=["duplicate name", "negative priority", "empty name", "not an EngineRule"])
def test_invalid_rules_are_refused(engine: DurableRulesEngine, rules: list[Any]) -> None:
    with pytest.raises(EngineLoadError):
        engine.load("credit", rules)
    assert engine.loaded_keys() == []


@pytest.mark.parametrize("key", ["", "a$state", "a b", "x" * 201])
def test_invalid_keys_are_refused(engine: DurableRulesEngine, key: str) -> None:
    with pytest.raises(EngineLoadError):
        engine.load(key, [])


def test_unload_and_unknown_keys(engine: DurableRulesEngine) -> None:
    engine.load("b", [])
    engine.load("a", [])
    assert engine.loaded_keys() == ["a", "b"]
    engine.unload("a")
    assert engine.loaded_keys() == ["b"]
    assert engine._host.names() == ["b__v1"]
    with pytest.raises(UnknownRulesetError) as info:
        engine.evaluate("a", FACT)
    assert isinstance(info.value, KeyError) and isinstance(info.value, EngineError)
    assert str(info.value) == "no rule set loaded under 'a'"
    with pytest.raises(UnknownRulesetError):
        engine.unload("a")


def test_reserved_fact_keys_are_refused_and_facts_not_mutated(
    engine: DurableRulesEngine,
) -> None:
    engine.load("credit", [EngineRule("tier", 0, {"customer.tier": "C"})])
    fact = {"customer": {"tier": "C"}}
    assert engine.evaluate("credit", fact) == ["tier"]
    assert fact == {"customer": {"tier": "C"}}
    for bad in ({"sid": "1"}, {"id": 1}, {"__pst": 1}, {"$s": 1}, {1: 2}):
        with pytest.raises(EngineError):
            engine.evaluate("credit", bad)


def test_unencodable_fact_raises_engine_error(engine: DurableRulesEngine) -> None:
    engine.load("credit", [EngineRule("tier", 0, {"customer.tier": "C"})])
    with pytest.raises(EngineError):
        engine.evaluate("credit", {"customer": {"tier": object()}})
    assert engine.evaluate("credit", FACT) == ["tier"]


def test_action_exception_raises_engine_error(
    engine: DurableRulesEngine, monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine.load("credit", [EngineRule("tier", 0, {"customer.tier": "C"})])

    def boom(rank: int) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(engine._host, "record", boom)
    with pytest.raises(EngineError, match="boom"):
        engine.evaluate("credit", FACT)
    monkeypatch.undo()
    assert engine.evaluate("credit", FACT) == ["tier"]


def test_no_timer_threads_are_started() -> None:
    before = threading.active_count()
    eng = DurableRulesEngine()
    eng.load("credit", [EngineRule("tier", 0, {"customer.tier": "C"})])
    for _ in range(10):
        eng.evaluate("credit", FACT)
    assert threading.active_count() == before
    eng.close()


def _session_facts(engine: DurableRulesEngine, name: str) -> list[Any] | None:
    """The facts the C engine holds in the adapter's session, or None if it does not exist."""
    try:
        return engine._host.get_facts(name, adapter_module.SESSION)
    except Exception as exc:
        assert "309" in str(exc), exc  # error 309: no such session
        return None


def test_sessions_are_left_empty(engine: DurableRulesEngine) -> None:
    """Without cleanup the 1,025th live session raises MemoryError; 2,000 must pass, and
    no fact may stay behind: a matched fact's session is deleted, a no-match leaves none."""
    engine.load("credit", [EngineRule("tier", 0, {"customer.tier": "C"}),
                           EngineRule("never", 0, {"customer.tier": "Z"})])
    for i in range(2000):
        fact = {**FACT, "customer": {"tier": "C" if i % 2 else "B"}}
        assert engine.evaluate("credit", fact) == (["tier"] if i % 2 else [])
        assert _session_facts(engine, "credit__v1") == (None if i % 2 else [])
    with pytest.raises(Exception, match="309"):
        engine._host.get_state("credit__v1", "2")


def test_failed_evaluation_leaks_nothing_into_the_next(
    engine: DurableRulesEngine, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An action failing mid-way leaves results pending: the session must be dropped."""
    engine.load("credit", [EngineRule("a", 0, {"customer.tier": "C"}),
                           EngineRule("b", 1, {"_k.one": 1})])

    def boom(rank: int) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(engine._host, "record", boom)
    with pytest.raises(EngineError, match="boom"):
        engine.evaluate("credit", FACT)
    monkeypatch.undo()
    assert _session_facts(engine, "credit__v1") is None
    assert engine.evaluate("credit", {**FACT, "_k": {"zero": 0, "one": 0}}) == ["a"]
    assert engine.evaluate("credit", {"customer": {"tier": "B"}}) == []
    assert engine.evaluate("credit", FACT) == ["a", "b"]


def test_unloading_after_only_no_match_evaluations_is_safe() -> None:
    """The session then exists but no action ever started in it: deleting it as is frees
    uninitialized memory (test_engine_quirks); the adapter primes it first. In a child."""
    code = textwrap.dedent("""
        from policy_service.engine import DurableRulesEngine, EngineRule
        for round in range(50):
            engine = DurableRulesEngine()
            engine.load("k", [EngineRule("r", 0, {"x": 6})])
            for x in range(5):
                assert engine.evaluate("k", {"x": x}) == []
            engine.load("k", [EngineRule("r", 0, {"x": 7})])
            assert engine.evaluate("k", {"x": 5}) == []
            engine.close()
        print("survived", flush=True)
    """)
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           timeout=120)
    assert child.returncode == 0 and child.stdout.split() == ["survived"], child.stderr


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_memory_stays_flat_over_many_evaluations_and_reloads(
    engine: DurableRulesEngine,
) -> None:
    rules = [EngineRule(f"r{i}", i, {"$gt": {"order.amount": i * 3000}}) for i in range(6)]
    engine.load("credit", rules)
    for _ in range(2000):
        engine.evaluate("credit", FACT)
    before = _rss_kib()
    for i in range(20000):
        engine.evaluate("credit", {**FACT, "order": {"amount": i}})
        if i % 100 == 0:
            engine.load("credit", rules)
    assert _rss_kib() - before < 4096
