"""Benchmark DurableRulesEngine.evaluate against the bare durable-rules engine (same rules).

Run:  .venv/bin/python bench/engine_bench.py [--facts 5000] [--seed 7] [--warmup 500]

Prints evaluations/s (calls / summed call time), median and p99 latency (µs, one
time.perf_counter_ns pair per call, after a warm-up) for (1) the adapter and (2) a bare
timer-less Host given the same definition (assert_fact + delete_state; no lock, validation
or result mapping), and their ratio. The two alternate fact by fact, so machine noise hits
both alike. The bare run keeps the adapter's sentinel rule: without it, a fact that matches
nothing segfaults at delete_state. To bench the shipped rule set, change ``load_rules`` to
return its compiled rules (facts below already have the credit vocabulary's shape, cents).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from policy_service.engine import DurableRulesEngine, EngineRule
from policy_service.engine.conditions import TAG
from policy_service.engine.definition import build_definition
from policy_service.engine.host import MessageNotHandledException, TimerlessHost

ZERO = "_k.zero"


def _m(path: str) -> dict[str, str]:
    return {"$m": path}


def hand_written_rules() -> list[EngineRule]:
    """Eight credit-check-like rules over order/customer/exposure/overdue facts (cents)."""
    over_limit = {"$sub": {"$l": {"$add": {"$l": _m("exposure.total"), "$r": _m("order.amount")}},
                           "$r": {"$add": {"$l": _m("customer.credit_limit"),
                                           "$r": _m("customer.collateral")}}}}
    big_share = {"$sub": {"$l": {"$mul": {"$l": 2, "$r": _m("order.amount")}},
                          "$r": _m("customer.credit_limit")}}
    return [
        EngineRule("blocked_customer", 0, {"customer.status": "blocked"}),
        EngineRule("over_credit_limit", 10, {"$lt": {ZERO: over_limit}}),
        EngineRule("overdue_too_long", 10, {"$gt": {"overdue.oldest_days": 60}}),
        EngineRule("overdue_amount", 20, {"$and": [{"$gt": {"overdue.amount": 500_000}},
                                                   {"$gte": {"overdue.invoice_count": 2}}]}),
        EngineRule("tier_d_large", 20, {"$and": [{"customer.tier": "D"},
                                                 {"$gt": {"order.amount": 2_000_000}}]}),
        EngineRule("term_too_long", 30, {"$gt": {"order.requested_term_days": {
            "$add": {"$l": _m("customer.payment_term_days"), "$r": 15}}}}),
        EngineRule("new_customer_big_order", 30, {"$and": [{"$lt": {"customer.age_days": 90}},
                                                           {"$lt": {ZERO: big_share}}]}),
        EngineRule("review_overdue", 40, {"$or": [{"customer.review_overdue": 1},
                                                  {"customer.tier": "E"}]}),
    ]


def load_rules() -> list[EngineRule]:
    """The rules to bench (the one line to change for the compiled shipped rule set)."""
    return hand_written_rules()


def make_fact(rnd: random.Random) -> dict[str, Any]:
    """A random order in the credit vocabulary's shape: money in cents, bools as 0/1."""
    limit = rnd.randint(0, 50_000_000)
    open_receivables, reserved = rnd.randint(0, limit), rnd.randint(0, limit // 4)
    overdue_count = rnd.choice([0, 0, 0, rnd.randint(1, 5)])
    return {
        "order": {"amount": rnd.randint(100, 10_000_000), "currency": "CNY",
                  "requested_term_days": rnd.choice([0, 30, 45, 60, 90])},
        "customer": {"tier": rnd.choice("ABCDE"), "credit_limit": limit,
                     "status": rnd.choice(["active"] * 19 + ["blocked"]),
                     "collateral": rnd.choice([0, 0, rnd.randint(0, 5_000_000)]),
                     "payment_term_days": rnd.choice([30, 45, 60]),
                     "age_days": rnd.randint(0, 2000), "review_overdue": rnd.randint(0, 1)},
        "exposure": {"open_receivables": open_receivables, "reserved_orders": reserved,
                     "total": open_receivables + reserved},
        "overdue": {"amount": rnd.randint(1, 2_000_000) if overdue_count else 0,
                    "oldest_days": rnd.randint(1, 120) if overdue_count else 0,
                    "invoice_count": overdue_count},
        "_k": {"zero": 0, "one": 1},
    }


def time_interleaved(calls: list[Callable[[dict[str, Any]], Any]], facts: list[dict[str, Any]],
                     warmup: int) -> list[list[int]]:
    """Per-call latencies in ns for each call, interleaved fact by fact (fair under noise)."""
    for fact in facts[:warmup]:
        for call in calls:
            call(fact)
    latencies: list[list[int]] = [[] for _ in calls]
    for index, fact in enumerate(facts):
        order = range(len(calls)) if index % 2 else reversed(range(len(calls)))
        for which in order:
            t0 = time.perf_counter_ns()
            calls[which](fact)
            latencies[which].append(time.perf_counter_ns() - t0)
    return latencies


def adapter_call(rules: list[EngineRule]) -> Callable[[dict[str, Any]], list[str]]:
    """DurableRulesEngine.evaluate on ``rules``."""
    engine = DurableRulesEngine()
    engine.load("bench", rules)
    return lambda fact: engine.evaluate("bench", fact)


def bare_call(rules: list[EngineRule]) -> Callable[[dict[str, Any]], list[int]]:
    """A bare timer-less Host with the same definition: assert_fact + delete_state only."""
    host = TimerlessHost()
    host.add("bench", build_definition(rules).ruleset)
    sids = iter(range(1, 1 << 62))

    def call(fact: dict[str, Any]) -> list[int]:
        sid = str(next(sids))
        host.fired = []
        try:
            host.assert_fact("bench", {**fact, TAG: 1, "sid": sid})
        except MessageNotHandledException:
            pass
        finally:
            host.delete_state("bench", sid)
        return host.fired

    return call


def percentile(values: list[int], q: float) -> float:
    """The q-quantile (0..1) of ``values`` in µs."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1000


def main(argv: list[str] | None = None) -> None:
    """Run both benchmarks and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=500)
    args = parser.parse_args(argv)
    rnd = random.Random(args.seed)
    facts = [make_fact(rnd) for _ in range(args.facts)]
    rules = load_rules()
    adapter = adapter_call(rules)
    fired = Counter(len(adapter(fact)) for fact in facts)
    labels = ["DurableRulesEngine.evaluate", "bare durable Host"]
    measured = time_interleaved([adapter, bare_call(rules)], facts, args.warmup)
    rows = [(label, len(lat) / (sum(lat) / 1e9), statistics.median(lat) / 1000,
             percentile(lat, 0.99)) for label, lat in zip(labels, measured, strict=True)]
    print(f"{len(rules)} rules, {args.facts} facts (seed {args.seed}), rules fired per fact: "
          + ", ".join(f"{k}: {v}" for k, v in sorted(fired.items())))
    print(f"{'engine':<30} {'evals/s':>10} {'p50 µs':>9} {'p99 µs':>9}")
    for label, rate, p50, p99 in rows:
        print(f"{label:<30} {rate:>10,.0f} {p50:>9.1f} {p99:>9.1f}")
    (_, a_rate, a_p50, _), (_, b_rate, b_p50, _) = rows
    print(f"adapter / bare: throughput x{a_rate / b_rate:.2f}, p50 x{a_p50 / b_p50:.2f}")


if __name__ == "__main__":
    main()
