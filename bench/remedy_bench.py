"""What remedies add to an in-process decision, measured with and without in the same run.

Run:  .venv/bin/python bench/remedy_bench.py [--facts 5000] [--seed 7] [--warmup 500]

The SAME seeded random facts as bench/engine_bench.py (``make_fact``: values around every
threshold of the shipped rules) go through two calls, interleaved fact by fact (the order
reversed every other fact, so machine noise hits both alike):

1. decision            -- ``encode_facts`` + ``DurableRulesEngine.evaluate`` + ``combine``
   on the compiled shipped ``policy_service/rules/credit_approval.json``: what the credit
   check computes;
2. decision + remedies -- the same, then ``remedies`` (interval analysis over the rules that
   fired; nothing for a plain approval), with one overdue invoice per fact that has overdue
   facts (the check asks the database for them only when an overdue rule fired);
3. decision + remedies + body -- the same, then each remedy written into the decision's
   body (``Remedy.to_dict``: the Chinese and English messages are formatted here, once).

Latency: one ``perf_counter_ns`` pair per call, after a warm-up. Prints p50/p99 of each, the
difference of the medians to the decision alone (target: at most 30 µs), and the same over
the facts whose decision is not a plain approval (the ones that compute remedies).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.engine_bench import make_fact, percentile, time_interleaved  # noqa: E402
from policy_service.config import SHIPPED_RULES  # noqa: E402
from policy_service.domain.decision import combine  # noqa: E402
from policy_service.domain.remedies import OverdueInvoice, remedies  # noqa: E402
from policy_service.engine import DurableRulesEngine  # noqa: E402
from policy_service.language.compiler import compile_ruleset, encode_facts  # noqa: E402
from policy_service.language.document import load_ruleset_file  # noqa: E402

RULESET_FILE = SHIPPED_RULES / "credit_approval.json"
TARGET_ADDED_US = 30.0


def main(argv: list[str] | None = None) -> None:
    """Time both calls on the same facts and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facts", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=500)
    args = parser.parse_args(argv)
    rnd = random.Random(args.seed)
    facts = [make_fact(rnd) for _ in range(args.facts)]
    ruleset = load_ruleset_file(RULESET_FILE)
    engine = DurableRulesEngine()
    engine.load("credit_approval", compile_ruleset(ruleset).rules)
    vocab = ruleset.vocabulary

    def invoices(fact: dict[str, Any]) -> list[OverdueInvoice]:
        overdue = fact["overdue"]
        if not overdue["invoice_count"]:
            return []
        return [OverdueInvoice("INV-1", overdue["amount"], overdue["oldest_days"])]

    def decide(fact: dict[str, Any]) -> Any:
        encoded = encode_facts(vocab, fact)
        matched = engine.evaluate("credit_approval", encoded)
        return encoded, matched, combine(ruleset, matched, fact)

    def decide_with_remedies(fact: dict[str, Any]) -> Any:
        encoded, matched, decision = decide(fact)
        return decision, remedies(ruleset, fact, matched, decision.outcome,
                                  lambda: invoices(fact), encoded)

    def decide_into_body(fact: dict[str, Any]) -> Any:
        decision, found = decide_with_remedies(fact)
        return decision, [remedy.to_dict() for remedy in found]

    outcomes = [decide(fact)[2].outcome for fact in facts]
    found = sum(len(decide_with_remedies(fact)[1]) for fact in facts)
    latencies = time_interleaved([decide, decide_with_remedies, decide_into_body],
                                 [facts, facts, facts], args.warmup)
    print(f"{len(facts)} facts (seed {args.seed}); {sum(o != 'approved' for o in outcomes)} "
          f"not a plain approval; {found} remedies in all")
    print(f"{'call':<30} {'p50 µs':>9} {'p99 µs':>9}")
    labels = ("decision", "decision + remedies", "decision + remedies + body")
    for label, lat in zip(labels, latencies, strict=True):
        print(f"{label:<30} {statistics.median(lat) / 1000:>9.1f} {percentile(lat, 0.99):>9.1f}")
    plain = latencies[0]
    blocked = [i for i, o in enumerate(outcomes) if o != "approved"]
    for label, lat in zip(labels[1:], latencies[1:], strict=True):
        added = (statistics.median(lat) - statistics.median(plain)) / 1000
        line = (f"{label}: added to the median {added:.1f} µs (target <= "
                f"{TARGET_ADDED_US:.0f}: {'met' if added <= TARGET_ADDED_US else 'MISSED'})")
        if blocked:
            p = statistics.median(plain[i] for i in blocked) / 1000
            r = statistics.median(lat[i] for i in blocked) / 1000
            line += f"; over the {len(blocked)} non-approvals p50 {p:.1f} -> {r:.1f} µs"
        print(line)


if __name__ == "__main__":
    main()
