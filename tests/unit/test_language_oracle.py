"""Property: the rules durable-rules fires equal the reference evaluator's, exactly."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy_service.config import SHIPPED_RULES
from policy_service.engine import DurableRulesEngine
from policy_service.language.compiler import compile_ruleset, encode_facts
from policy_service.language.document import RuleSet, load_ruleset
from policy_service.language.reference import matching_rules

RULES = SHIPPED_RULES
MONEY = ["order.amount", "customer.credit_limit", "customer.collateral", "exposure.total",
         "exposure.open_receivables", "exposure.reserved_orders", "overdue.amount"]
DAYS = ["overdue.oldest_days", "customer.age_days", "order.requested_term_days",
        "overdue.invoice_count", "customer.payment_term_days"]
COEFFICIENTS = ["0.3", "1.15", "0.5", "2", "0.01"]
TRICKY = [
    "order.amount * 0.1 + order.amount * 0.2 >= order.amount * 0.3",
    "order.amount / 3 * 3 == order.amount",
    "exposure.open_receivables + exposure.reserved_orders == exposure.total",
    "order.amount * 1.15 > customer.credit_limit",
    "order.amount / 3 + customer.collateral * 0.7 <= customer.credit_limit / 7 - 0.005",
]


def _term(rng: random.Random, fields: list[str]) -> str:
    field = rng.choice(fields)
    shape = rng.randrange(4)
    if shape == 0:
        return field
    if shape == 1:
        return f"{field} * {rng.choice(COEFFICIENTS)}"
    if shape == 2:
        return f"{field} / {rng.choice(['3', '7', '0.3'])}"
    return f"{rng.choice(COEFFICIENTS)} * ({field} - {rng.choice(fields)})"


def _comparison(rng: random.Random) -> str:
    fields = MONEY if rng.random() < 0.7 else DAYS
    left = " + ".join(_term(rng, fields) for _ in range(rng.randint(1, 3)))
    right = (" - ".join(_term(rng, fields) for _ in range(rng.randint(1, 2)))
             if rng.random() < 0.7 else rng.choice(["1000.005", "30", "0", "50000.5"]))
    return f"{left} {rng.choice(['>', '>=', '<', '<=', '==', '!='])} {right}"


def _condition(rng: random.Random) -> str:
    parts = [_comparison(rng) for _ in range(rng.randint(1, 2))]
    if rng.random() < 0.4:
        parts.append(f"customer.tier {rng.choice(['in', 'not in'])} "
                     f"[{', '.join(json.dumps(t) for t in rng.sample('ABCD', 2))}]")
    text = f" {rng.choice(['and', 'or'])} ".join(parts)
    return f"not ({text})" if rng.random() < 0.3 else text


def _rule(name: str, when: str, priority: int) -> dict[str, Any]:
    return {"name": name, "priority": priority, "when": when, "then": {
        "outcome": "hold", "code": name.upper(), "conditions": [],
        "message": {"zh": "随机", "en": "random"}}}


def oracle_ruleset() -> RuleSet:
    """The shipped credit_approval plus tricky and seeded-random rules."""
    document = json.loads((RULES / "credit_approval.json").read_text(encoding="utf-8"))
    rng = random.Random(20261123)
    extra = TRICKY + [_condition(rng) for _ in range(10)]
    document["rules"] += [_rule(f"extra_{i}", when, 200 + i) for i, when in enumerate(extra)]
    return load_ruleset(document)


RULESET = oracle_ruleset()


@pytest.fixture(scope="module")
def engine() -> Iterator[DurableRulesEngine]:
    engine = DurableRulesEngine()
    engine.load("oracle", compile_ruleset(RULESET).rules)
    yield engine


def _money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


@st.composite
def facts(draw: st.DrawFn) -> dict[str, Any]:
    """Facts with amounts in cents clustered around the rules' thresholds."""
    cents = st.integers(0, 20_000_000)
    limit, collateral = draw(cents), draw(st.sampled_from([0, 1, 99_999]) | cents)
    open_receivables, reserved = draw(cents), draw(st.sampled_from([0, 1]) | cents)
    total = open_receivables + reserved
    delta = draw(st.integers(-3, 3))
    mode = draw(st.sampled_from(["limit", "half", "ratio", "free"]))
    if mode == "limit":
        amount = limit + collateral - total + delta
    elif mode == "half":
        amount = limit // 2 + delta
    elif mode == "ratio":
        amount = 20 * draw(st.integers(0, 500_000))
        limit = max(0, amount * 23 // 20 + delta)
    else:
        amount = draw(cents)
    days = st.integers(0, 90) | st.sampled_from([29, 30, 31])
    return {
        "order": {"amount": _money(max(1, amount)), "currency": "CNY",
                  "requested_term_days": draw(days)},
        "customer": {"tier": draw(st.sampled_from("ABCD")),
                     "status": draw(st.sampled_from(["active", "stop_supply", "blacklisted"])),
                     "credit_limit": _money(limit), "collateral": _money(collateral),
                     "payment_term_days": draw(days), "age_days": draw(days),
                     "review_overdue": draw(st.booleans()),
                     "written_off_365d": Decimal("0.00"), "disputed_amount": _money(0),
                     "broken_plans_365d": 0},
        "exposure": {"open_receivables": _money(open_receivables),
                     "reserved_orders": _money(reserved), "total": _money(total)},
        "overdue": {"amount": _money(draw(cents)), "oldest_days": draw(days),
                    "invoice_count": draw(st.integers(0, 5))},
    }


@settings(derandomize=True, max_examples=300, deadline=None)
@given(facts=facts())
def test_the_engine_fires_exactly_the_rules_the_reference_matches(
    engine: DurableRulesEngine, facts: dict[str, Any]
) -> None:
    fired = engine.evaluate("oracle", encode_facts(RULESET.vocabulary, facts))
    assert set(fired) == set(matching_rules(RULESET, facts))


def test_the_random_rules_are_not_trivial() -> None:
    names = [r.name for r in RULESET.conditional_rules]
    assert len(names) == len(set(names)) >= 20
