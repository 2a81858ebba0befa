"""8 threads evaluate random facts while another swaps rule set versions every few ms.

Every answer must be exactly version A's or version B's expectation (computed in plain
Python), never a mix, never missing a rule, never an error or a crash.
Set ENGINE_STRESS_SECONDS for a longer run.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from policy_service.engine import DurableRulesEngine, EngineRule

SECONDS = float(os.environ.get("ENGINE_STRESS_SECONDS", "3"))
WORKERS = 8
SWAP_EVERY = 0.003
TIERS = "ABCD"


@dataclass(frozen=True)
class Version:
    """One version's thresholds, and its rules both as engine rules and plain Python."""

    marker: str
    big: int
    overdue_days: int
    limit_factor: int

    def rules(self) -> list[EngineRule]:
        """The version as engine rules (priorities deliberately out of definition order)."""
        exposure = {"$add": {"$l": {"$m": "order.amount"}, "$r": {"$m": "exposure.total"}}}
        limit = {"$mul": {"$l": self.limit_factor, "$r": {"$m": "customer.credit_limit"}}}
        return [
            EngineRule("big_order", 2, {"$gt": {"order.amount": self.big}}),
            EngineRule("tier_d", 0, {"customer.tier": "D"}),
            EngineRule("over_limit", 1, {"$lt": {"_k.zero": {"$sub": {"$l": exposure,
                                                                      "$r": limit}}}}),
            EngineRule("overdue", 1, {"$gte": {"overdue.days": self.overdue_days}}),
            EngineRule("new_and_big", 3, {"$and": [{"$lt": {"customer.age_days": 90}},
                                                   {"$gt": {"order.amount": self.big // 2}}]}),
            EngineRule("low_tier_or_overdue", 2, {"$or": [{"customer.tier": "C"},
                                                          {"$gt": {"overdue.days": 0}}]}),
            EngineRule(self.marker, 0, {"_k.one": 1}),
        ]

    def expected(self, fact: dict[str, Any]) -> list[str]:
        """The names that must fire, in (priority, definition order)."""
        order, customer = fact["order"], fact["customer"]
        exposure, overdue = fact["exposure"]["total"], fact["overdue"]["days"]
        holds = {
            "big_order": order["amount"] > self.big,
            "tier_d": customer["tier"] == "D",
            "over_limit": order["amount"] + exposure > self.limit_factor * customer["credit_limit"],
            "overdue": overdue >= self.overdue_days,
            "new_and_big": customer["age_days"] < 90 and order["amount"] > self.big // 2,
            "low_tier_or_overdue": customer["tier"] == "C" or overdue > 0,
            self.marker: True,
        }
        ranked = sorted(enumerate(self.rules()), key=lambda item: (item[1].priority, item[0]))
        return [rule.name for _, rule in ranked if holds[rule.name]]


A = Version("version_a", big=500_000, overdue_days=30, limit_factor=1)
B = Version("version_b", big=800_000, overdue_days=60, limit_factor=2)


def random_fact(rnd: random.Random) -> dict[str, Any]:
    """An order around the thresholds of both versions."""
    return {
        "order": {"amount": rnd.randint(0, 1_200_000)},
        "customer": {"tier": rnd.choice(TIERS), "credit_limit": rnd.randint(0, 1_000_000),
                     "age_days": rnd.randint(0, 400)},
        "exposure": {"total": rnd.randint(0, 1_000_000)},
        "overdue": {"days": rnd.choice([0, 0, rnd.randint(1, 120)])},
        "_k": {"zero": 0, "one": 1},
    }


def test_concurrent_evaluations_during_version_swaps_are_never_wrong() -> None:
    engine = DurableRulesEngine()
    engine.load("credit", A.rules())
    deadline = time.monotonic() + SECONDS
    seen: Counter[str] = Counter()
    wrong: list[tuple[dict[str, Any], list[str]]] = []
    errors: list[BaseException] = []
    swaps = 0

    def work(seed: int) -> None:
        rnd = random.Random(seed)
        local: Counter[str] = Counter()
        try:
            while time.monotonic() < deadline:
                fact = random_fact(rnd)
                got = engine.evaluate("credit", fact)
                if got == A.expected(fact):
                    local["a"] += 1
                elif got == B.expected(fact):
                    local["b"] += 1
                else:
                    wrong.append((fact, got))
        except BaseException as exc:
            errors.append(exc)
        seen.update(local)

    def swap() -> None:
        nonlocal swaps
        try:
            while time.monotonic() < deadline:
                engine.load("credit", (B if swaps % 2 == 0 else A).rules())
                swaps += 1
                time.sleep(SWAP_EVERY)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(WORKERS)]
    threads.append(threading.Thread(target=swap))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    evaluations = seen["a"] + seen["b"] + len(wrong)
    print(f"\n{evaluations} evaluations ({seen['a']} A, {seen['b']} B), {swaps} swaps, "
          f"{len(wrong)} wrong, {evaluations / SECONDS:.0f}/s")
    assert not errors, errors[:3]
    assert not wrong, wrong[:3]
    assert seen["a"] > 100 and seen["b"] > 100
    assert swaps > 50
    assert len(engine._host.names()) == 1
    engine.close()
    assert engine._host.names() == []
