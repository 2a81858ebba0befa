"""In-process decisions: the adapter vs bare durable-rules vs the reference vs zen-engine.

Run:  .venv/bin/python bench/engine_bench.py [--facts 5000] [--seed 7] [--warmup 500]

One run, the SAME seeded random facts (credit_approval vocabulary, money as Decimal, values
around the thresholds of the shipped rules so that 0-4 rules fire) through:

1. adapter   -- ``encode_facts`` + ``DurableRulesEngine.evaluate`` on the compiled shipped
   ``policy_service/rules/credit_approval.json`` (what the credit check calls); also
   ``evaluate`` alone on pre-encoded facts, to separate the adapter's share from ``encode_facts``.
2. bare      -- a timer-less durable ``Host`` on the same compiled definition:
   ``assert_fact`` + ``delete_state`` with a fresh sid per fact, given pre-encoded facts.
   That protocol crashes on a fact that matches no rule unless a rule fires for every
   fact, so here the definition's sentinel matches every fact (the adapter's sentinel only
   matches its priming fact; see policy_service/engine/definition.py).
3. bare, adapter protocol -- ``TimerlessHost.assert_json`` on the adapter's exact definition
   with the adapter's session protocol (one session, deleted only after a match), given
   pre-encoded facts: what the adapter costs without its lock, validation, encoding and
   result mapping.
4. reference -- ``matching_rules`` (plain Python, exact Fractions) on the typed facts.
5. zen-engine -- a JDM decision table (hit policy "collect", one row per rule, each cell
   the rule's condition as a zen expression) built here, given the pre-encoded facts
   (integer cents). Its answers are checked against the reference before timing.

Every engine's answer is checked against the reference first. Calls alternate fact by fact
(order reversed every other fact), so machine noise hits all alike. Latency: one
``perf_counter_ns`` pair per call, after a warm-up; evals/s = calls / summed call time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import zen  # noqa: E402

from policy_service.config import SHIPPED_RULES  # noqa: E402
from policy_service.engine import DurableRulesEngine  # noqa: E402
from policy_service.engine.adapter import SESSION  # noqa: E402
from policy_service.engine.conditions import TAG  # noqa: E402
from policy_service.engine.definition import (  # noqa: E402
    EVALUATED,
    SENTINEL,
    build_definition,
    tag_fact,
)
from policy_service.engine.host import MessageNotHandledException, TimerlessHost  # noqa: E402
from policy_service.language.compiler import CompiledRuleSet, compile_ruleset, encode_facts  # noqa: E402
from policy_service.language.document import RuleSet, load_ruleset  # noqa: E402
from policy_service.language.reference import matching_rules  # noqa: E402

RULESET_FILE = SHIPPED_RULES / "credit_approval.json"
TARGET_MEDIAN_US = 60.0
TARGET_P99_US = 250.0
TARGET_RATIO = 1.2

# The shipped rules as zen expressions over the encoded facts (cents; review_overdue 1/0).
ZEN_CONDITIONS = {
    "blacklisted": 'customer.status == "blacklisted"',
    "stop_supply": 'customer.status == "stop_supply"',
    "written_off_365d": "customer.written_off_365d > 0",
    "long_overdue": "overdue.oldest_days > 30",
    "over_limit": "exposure.total + order.amount - customer.credit_limit - customer.collateral"
                  " > customer.credit_limit * 0.2",
    "prepay_excess": "exposure.total + order.amount - customer.credit_limit - customer.collateral"
                     " > 0 and exposure.total + order.amount - customer.credit_limit"
                     " - customer.collateral <= customer.credit_limit * 0.2",
    "term_exceeds": "order.requested_term_days > customer.payment_term_days",
    "review_lapsed": "customer.review_overdue == 1",
    "broken_payment_plan": "customer.broken_plans_365d > 0",
    "cash_in_advance": 'customer.tier == "D"',
    "large_order_poor_credit":
        'customer.tier == "C" and order.amount > customer.credit_limit * 0.5',
}

Call = Callable[[Any], list[str]]


def money(cents: int) -> Decimal:
    """An amount of integer cents as a Decimal with two places."""
    return Decimal(cents).scaleb(-2)


def make_fact(rnd: random.Random) -> dict[str, Any]:
    """A typed credit_approval fact with every threshold of the shipped rules in play."""
    limit = rnd.randint(0, 10_000_000)
    collateral = rnd.choice([0, 0, 0, rnd.randint(0, 3_000_000)])
    amount = rnd.randint(100, 5_000_000)
    # exposure + amount lands around limit + collateral: over_limit holds about half the time
    total = max(0, limit + collateral - amount + rnd.randint(-2_000_000, 2_000_000))
    open_receivables = rnd.randint(0, total)
    overdue_days = rnd.choice([0, 0, 0, rnd.randint(1, 60)])
    return {
        "order": {"amount": money(amount), "currency": "CNY",
                  "requested_term_days": rnd.choice([0, 30, 45, 60, 90])},
        "customer": {"tier": rnd.choice("ABCCD"),
                     "status": rnd.choice(["active"] * 38 + ["blacklisted", "stop_supply"]),
                     "credit_limit": money(limit), "collateral": money(collateral),
                     "payment_term_days": rnd.choice([30, 45, 60]),
                     "age_days": rnd.randint(0, 2000), "review_overdue": rnd.random() < 0.1,
                     "disputed_amount": money(0), "broken_plans_365d": 0,
                     "written_off_365d": money(0)},
        "exposure": {"open_receivables": money(open_receivables),
                     "reserved_orders": money(total - open_receivables),
                     "total": money(total)},
        "overdue": {"amount": money(rnd.randint(1, 2_000_000)) if overdue_days else money(0),
                    "oldest_days": overdue_days, "invoice_count": rnd.randint(1, 4)
                    if overdue_days else 0},
    }


def adapter_call(compiled: CompiledRuleSet, encode: bool = True) -> Call:
    """(1) encode_facts + DurableRulesEngine.evaluate, as the credit check calls it; without
    ``encode``, evaluate alone on pre-encoded facts (the adapter's own share)."""
    engine = DurableRulesEngine()
    engine.load("credit_approval", compiled.rules)
    vocab = compiled.ruleset.vocabulary
    if not encode:
        return lambda encoded: engine.evaluate("credit_approval", encoded)
    return lambda typed: engine.evaluate("credit_approval", encode_facts(vocab, typed))


def _names_of(compiled: CompiledRuleSet) -> tuple[str, ...]:
    return build_definition(compiled.rules).names


def bare_call(compiled: CompiledRuleSet) -> Call:
    """(2) Host.assert_fact + delete_state, fresh sid per fact, sentinel firing for all."""
    definition = build_definition(compiled.rules)
    ruleset = definition.ruleset
    ruleset[SENTINEL]["all"] = [{"m": {TAG: EVALUATED}}]
    host = TimerlessHost()
    host.add("bare", ruleset)
    names = definition.names
    sids = iter(range(1, 1 << 62))

    def call(encoded: dict[str, Any]) -> list[str]:
        sid = str(next(sids))
        host.fired = []
        try:
            host.assert_fact("bare", {**encoded, TAG: EVALUATED, "sid": sid})
        except MessageNotHandledException:
            pass
        finally:
            host.delete_state("bare", sid)
        return [names[rank] for rank in host.fired]

    return call


def bare_session_call(compiled: CompiledRuleSet) -> Call:
    """(3) The adapter's session protocol on its exact definition, without the adapter."""
    definition = build_definition(compiled.rules)
    host = TimerlessHost()
    host.add("session", definition.ruleset)
    handle = host.handle("session")
    names = definition.names

    def call(encoded: dict[str, Any]) -> list[str]:
        host.fired = []
        handled, _ = host.assert_json(handle, json.dumps(tag_fact(encoded, SESSION),
                                                          ensure_ascii=False))
        if handled:
            host.delete_session(handle, SESSION)
        return [names[rank] for rank in host.fired]

    return call


def reference_call(ruleset: RuleSet) -> Call:
    """(4) The reference evaluator on the typed facts."""
    return lambda typed: matching_rules(ruleset, typed)


def zen_content(order: list[str]) -> dict[str, Any]:
    """A JDM graph: input -> decision table (collect, one row per rule) -> output."""
    rows = [{"_id": name, "when": ZEN_CONDITIONS[name], "rule": json.dumps(name)}
            for name in order]
    table = {"hitPolicy": "collect",
             "inputs": [{"id": "when", "name": "when", "field": ""}],
             "outputs": [{"id": "rule", "name": "rule", "field": "rule"}],
             "rules": rows}
    return {
        "nodes": [
            {"id": "in", "type": "inputNode", "name": "request", "position": {"x": 0, "y": 0}},
            {"id": "table", "type": "decisionTableNode", "name": "credit_approval",
             "position": {"x": 200, "y": 0}, "content": table},
            {"id": "out", "type": "outputNode", "name": "response",
             "position": {"x": 400, "y": 0}},
        ],
        "edges": [{"id": "e1", "sourceId": "in", "targetId": "table", "type": "edge"},
                  {"id": "e2", "sourceId": "table", "targetId": "out", "type": "edge"}],
    }


def zen_call(order: list[str]) -> Call:
    """(5) zen-engine evaluating the decision table on an encoded fact."""
    decision = zen.ZenEngine().create_decision(json.dumps(zen_content(order)))

    def call(encoded: dict[str, Any]) -> list[str]:
        return [row["rule"] for row in decision.evaluate(encoded)["result"]]

    return call


def time_interleaved(calls: list[Call], inputs: list[list[Any]], warmup: int) -> list[list[int]]:
    """Per-call latencies (ns) of each call on its input for each fact, interleaved."""
    count = len(inputs[0])
    for index in range(min(warmup, count)):
        for call, args in zip(calls, inputs, strict=True):
            call(args[index])
    latencies: list[list[int]] = [[] for _ in calls]
    which_order = list(range(len(calls)))
    for index in range(count):
        order = which_order if index % 2 else which_order[::-1]
        for which in order:
            arg = inputs[which][index]
            call = calls[which]
            t0 = time.perf_counter_ns()
            call(arg)
            latencies[which].append(time.perf_counter_ns() - t0)
    return latencies


def percentile(values: list[int], q: float) -> float:
    """The q-quantile (0..1) of ``values``, in µs."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1000


def mark(ok: bool) -> str:
    """``met`` or ``MISSED``."""
    return "met" if ok else "MISSED"


def main(argv: list[str] | None = None) -> None:
    """Build the facts, check every engine against the reference, time them, print."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--facts", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=500)
    args = parser.parse_args(argv)

    with open(RULESET_FILE, encoding="utf-8") as handle:
        ruleset = load_ruleset(json.load(handle))
    compiled = compile_ruleset(ruleset)
    vocab = ruleset.vocabulary
    rnd = random.Random(args.seed)
    typed = [make_fact(rnd) for _ in range(args.facts)]
    encoded = [encode_facts(vocab, fact) for fact in typed]
    expected = [matching_rules(ruleset, fact) for fact in typed]
    order = list(_names_of(compiled))

    engines: list[tuple[str, Call, list[Any]]] = [
        ("adapter (encode + evaluate)", adapter_call(compiled), typed),
        ("adapter, evaluate only", adapter_call(compiled, encode=False), encoded),
        ("bare durable (assert+delete)", bare_call(compiled), encoded),
        ("bare, adapter's protocol", bare_session_call(compiled), encoded),
        ("reference (matching_rules)", reference_call(ruleset), typed),
        ("zen-engine 2.1.3 table", zen_call(order), encoded),
    ]
    agreement = {label: sum(call(arg) == want for arg, want in zip(inputs, expected, strict=True))
                 for label, call, inputs in engines}
    fired = Counter(len(want) for want in expected)
    print(f"credit_approval ({len(compiled.rules)} rules), {args.facts} facts (seed {args.seed}); "
          "rules fired per fact: " + ", ".join(f"{k}: {v}" for k, v in sorted(fired.items())))
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
          f"{os.getloadavg()[2]:.2f} on {os.cpu_count()} CPUs; python {sys.version.split()[0]}")
    print("agreement with the reference: " + ", ".join(
        f"{label.split(' (')[0]} {count}/{args.facts}" for label, count in agreement.items()))
    if any(count != args.facts for count in agreement.values()):
        raise SystemExit("an engine disagrees with the reference: not timing it")

    measured = time_interleaved([call for _, call, _ in engines],
                                [inputs for _, _, inputs in engines], args.warmup)
    rows = [(label, len(lat) / (sum(lat) / 1e9), statistics.median(lat) / 1000,
             percentile(lat, 0.99)) for (label, _, _), lat in zip(engines, measured, strict=True)]
    print(f"{'engine':<30} {'evals/s':>10} {'p50 µs':>9} {'p99 µs':>9}")
    for label, rate, p50, p99 in rows:
        print(f"{label:<30} {rate:>10,.0f} {p50:>9.1f} {p99:>9.1f}")

    adapter, evaluate_only, bare, session, _, zen_row = rows
    ratio_p50, ratio_rate = adapter[2] / bare[2], bare[1] / adapter[1]
    print(f"adapter / bare durable: p50 x{ratio_p50:.2f}, time per eval x{ratio_rate:.2f} "
          f"(vs the adapter's protocol without the adapter: p50 x{adapter[2] / session[2]:.2f}, "
          f"time per eval x{session[1] / adapter[1]:.2f})")
    print(f"encode_facts share of the adapter's p50: ~{adapter[2] - evaluate_only[2]:.1f} µs; "
          f"evaluate only / bare durable: p50 x{evaluate_only[2] / bare[2]:.2f}")
    print("targets (adapter incl. encode_facts; in brackets: evaluate only):")
    print(f"  median <= {TARGET_MEDIAN_US:.0f} µs: {adapter[2]:.1f} -> "
          f"{mark(adapter[2] <= TARGET_MEDIAN_US)} [{evaluate_only[2]:.1f} -> "
          f"{mark(evaluate_only[2] <= TARGET_MEDIAN_US)}]")
    print(f"  p99 <= {TARGET_P99_US:.0f} µs: {adapter[3]:.1f} -> "
          f"{mark(adapter[3] <= TARGET_P99_US)} [{evaluate_only[3]:.1f} -> "
          f"{mark(evaluate_only[3] <= TARGET_P99_US)}]")
    print(f"  within {TARGET_RATIO}x of bare durable: p50 x{ratio_p50:.2f} -> "
          f"{mark(max(ratio_p50, ratio_rate) <= TARGET_RATIO)} "
          f"[x{evaluate_only[2] / bare[2]:.2f} -> "
          f"{mark(evaluate_only[2] / bare[2] <= TARGET_RATIO)}]")
    print(f"  ahead of zen-engine: {adapter[1]:,.0f} vs {zen_row[1]:,.0f} evals/s, p50 "
          f"{adapter[2]:.1f} vs {zen_row[2]:.1f} µs -> "
          f"{mark(adapter[1] > zen_row[1] and adapter[2] < zen_row[2])}")


if __name__ == "__main__":
    main()
