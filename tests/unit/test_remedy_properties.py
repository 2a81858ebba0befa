"""A remedy is a promise the engine keeps.

Random facts (CNY and JPY, with overdue invoices that add up) and random credit_approval
rule sets over the shipped vocabulary, plus the shipped rule set: each remedy is applied to
the facts, the facts re-encoded and re-evaluated by the real engine (durable-rules), and
- with the remedy applied, no rule the lever can move that holds, declines or asks for a
  condition fires any more (and, for the order amount, every other rule is as before);
- one minor unit beyond the remedy's bound, such a rule fires again;
- "no order amount would be approved" holds at the smallest and the full amount.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from policy_service.domain.decision import combine
from policy_service.domain.money import minor_digits
from policy_service.domain.remedies import (
    OverdueInvoice,
    Remedy,
    after_payment,
    remedies,
)
from policy_service.domain.remedy_targets import lever_report, rule_levers
from policy_service.engine import DurableRulesEngine
from policy_service.language.compiler import compile_ruleset, encode_facts
from policy_service.language.document import RuleSet, load_ruleset, load_ruleset_file
from tests.conftest import RULES_DIR

SHIPPED = load_ruleset_file(RULES_DIR / "credit_approval.json")
KEYS = itertools.count()
LEVER_OF = {"reduce_amount": "order_amount", "prepay": "order_amount",
            "pay_overdue": "overdue", "complete_review": "review",
            "resolve_status": "status", "shorten_term": "term"}


@pytest.fixture(scope="module")
def engine() -> Iterator[DurableRulesEngine]:
    engine = DurableRulesEngine()
    engine.load("shipped", compile_ruleset(SHIPPED).rules)
    yield engine
    engine.close()


ATOMS = st.one_of(
    st.just("exposure.total + order.amount > customer.credit_limit + customer.collateral"),
    st.sampled_from(["0.1", "0.5", "1"]).map(
        lambda k: f"order.amount > customer.credit_limit * {k}"),
    st.integers(1, 5000).map(lambda c: f"order.amount < {c}"),
    st.integers(0, 90).map(lambda d: f"overdue.oldest_days > {d}"),
    st.integers(0, 40000).map(lambda c: f"overdue.amount > {c}"),
    st.integers(1, 3).map(lambda n: f"overdue.invoice_count >= {n}"),
    st.integers(0, 90000).map(lambda c: f"exposure.total - overdue.amount * 2 > {c}"),
    st.just("order.amount * 2 + overdue.amount > customer.credit_limit"),
    st.just("customer.review_overdue"),
    st.sampled_from(["active", "stop_supply", "blacklisted"]).map(
        lambda s: f'customer.status == "{s}"'),
    st.just('customer.status in ["stop_supply", "blacklisted"]'),
    st.sampled_from("ABCD").map(lambda t: f'customer.tier == "{t}"'),
    st.just("order.requested_term_days > customer.payment_term_days"),
    st.integers(0, 120).map(lambda d: f"order.requested_term_days >= {d}"),
)
CONDITIONS = st.recursive(ATOMS, lambda inner: st.one_of(
    st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(
        lambda t: f"({t[0]}) {t[1]} ({t[2]})"),
    inner.map(lambda c: f"not ({c})")), max_leaves=3)


def _rule(index: int, when: str, outcome: str) -> dict[str, Any]:
    conditions = [{"type": "prepayment", "percent": "30"}] \
        if outcome == "approved_with_conditions" else []
    return {"name": f"r{index}", "priority": index, "when": when, "then": {
        "outcome": outcome, "code": f"R{index}", "conditions": conditions,
        "message": {"zh": "规则", "en": "rule"}}}


@st.composite
def rulesets(draw: st.DrawFn) -> RuleSet:
    whens = draw(st.lists(CONDITIONS, min_size=1, max_size=4))
    outcomes = st.sampled_from(["hold", "declined", "approved_with_conditions", "approved"])
    rules = [_rule(i, when, draw(outcomes)) for i, when in enumerate(whens)]
    rules.append({"name": "otherwise", "priority": 1000, "when": "otherwise", "then": {
        "outcome": "approved", "code": "OK", "conditions": [],
        "message": {"zh": "好", "en": "ok"}}})
    return load_ruleset({"name": "credit_approval", "description": "", "rules": rules})


@st.composite
def cases(draw: st.DrawFn) -> tuple[dict[str, Any], list[OverdueInvoice]]:
    currency = draw(st.sampled_from(["CNY", "JPY"]))
    digits = minor_digits(currency)
    units = st.integers(0, 20_000_000 if digits else 200_000)

    def money(value: int) -> Decimal:
        return Decimal(value).scaleb(-digits)

    invoices = [OverdueInvoice(f"INV-{i}", money(draw(st.integers(1, 3_000_000))),
                               draw(st.integers(1, 120)))
                for i in range(draw(st.integers(0, 3)))]
    overdue = sum((i.outstanding for i in invoices), Decimal(0))
    limit = draw(units)
    # exposure mostly inside the limit, so that some amounts are approved and some are not
    open_receivables = overdue + money(draw(st.integers(0, limit // 2) | units))
    reserved = money(draw(st.integers(0, limit // 4)))
    amount = draw(st.sampled_from([limit, limit // 2, limit // 5]) | st.integers(1, limit + 1))
    days = st.integers(0, 120)
    facts = {
        "order": {"amount": money(max(1, amount)), "currency": currency,
                  "requested_term_days": draw(days)},
        "customer": {"tier": draw(st.sampled_from("ABCD")),
                     "status": draw(st.sampled_from(["active", "stop_supply", "blacklisted"])),
                     "credit_limit": money(limit), "collateral": money(draw(units)),
                     "payment_term_days": draw(days), "age_days": draw(days),
                     "review_overdue": draw(st.booleans()),
                     "written_off_365d": money(0), "disputed_amount": money(0),
                     "broken_plans_365d": 0},
        "exposure": {"open_receivables": open_receivables, "reserved_orders": reserved,
                     "total": open_receivables + reserved},
        "overdue": {"amount": overdue, "invoice_count": len(invoices),
                    "oldest_days": max((i.days_past_due for i in invoices), default=0)},
    }
    return facts, invoices


def _fired(engine: DurableRulesEngine, key: str, ruleset: RuleSet, facts: dict[str, Any]
           ) -> set[str]:
    return set(engine.evaluate(key, encode_facts(ruleset.vocabulary, facts)))


def _with(facts: dict[str, Any], group: str, **values: Any) -> dict[str, Any]:
    return {**facts, group: {**facts[group], **values}}


def _check_promises(engine: DurableRulesEngine, key: str, ruleset: RuleSet,
                    facts: dict[str, Any], invoices: list[OverdueInvoice]) -> list[Remedy]:
    fired = _fired(engine, key, ruleset, facts)
    decision = combine(ruleset, fired, facts)
    found = remedies(ruleset, facts, sorted(fired), decision.outcome, lambda: invoices)
    blocking = {r.name for r in ruleset.conditional_rules if r.then["outcome"] != "approved"}
    unit = Decimal(1).scaleb(-minor_digits(facts["order"]["currency"]))
    amount = facts["order"]["amount"]

    def targets(lever: str) -> set[str]:
        return {r.name for r in ruleset.conditional_rules
                if r.name in blocking and lever in rule_levers(r, ruleset)}

    def blocked(changed: dict[str, Any], lever: str) -> set[str]:
        return _fired(engine, key, ruleset, changed) & targets(lever)

    if decision.outcome == "approved":
        assert found == ()
    for remedy in found:
        lever = LEVER_OF[remedy.type]
        assert set(remedy.rules) == fired & targets(lever) != set()
        if remedy.type in ("reduce_amount", "prepay"):
            bound = remedy.max_amount if remedy.type == "reduce_amount" \
                else None if remedy.amount is None else amount - remedy.amount
            if bound is None:
                for tried in {unit, amount}:
                    assert blocked(_with(facts, "order", amount=tried), lever)
                continue
            applied = _with(facts, "order", amount=bound)
            assert not blocked(applied, lever)
            others = fired & blocking - targets(lever)
            assert _fired(engine, key, ruleset, applied) & blocking == others
            assert blocked(_with(facts, "order", amount=bound + unit), lever)
        elif remedy.type == "pay_overdue":
            if remedy.amount is None:
                assert blocked(after_payment(facts, invoices, facts["overdue"]["amount"]), lever)
                continue
            assert not blocked(after_payment(facts, invoices, remedy.amount), lever)
            assert blocked(after_payment(facts, invoices, remedy.amount - unit), lever)
        elif remedy.type == "complete_review":
            assert not blocked(_with(facts, "customer", review_overdue=False), lever)
        elif remedy.type == "resolve_status":
            assert not blocked(_with(facts, "customer", status=remedy.status), lever)
        elif remedy.max_term_days is None:
            for days in {0, facts["order"]["requested_term_days"]}:
                assert blocked(_with(facts, "order", requested_term_days=days), lever)
        else:
            assert not blocked(_with(facts, "order", requested_term_days=remedy.max_term_days),
                               lever)
            assert blocked(_with(facts, "order",
                                 requested_term_days=remedy.max_term_days + 1), lever)
    numeric = {"order_amount", "term"} | ({"overdue"} if invoices else set())
    for lever in numeric:
        if fired & targets(lever):
            assert any(LEVER_OF[r.type] == lever for r in found), (lever, found)
    return list(found)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ruleset=rulesets(), case=cases())
def test_remedies_of_random_rule_sets_are_kept_by_the_engine(
    engine: DurableRulesEngine, ruleset: RuleSet, case: tuple[dict[str, Any], list[Any]]
) -> None:
    note(str([(r.name, r.source, r.then["outcome"]) for r in ruleset.conditional_rules]))
    key = f"random_{next(KEYS)}"
    engine.load(key, compile_ruleset(ruleset).rules)
    try:
        _check_promises(engine, key, ruleset, *case)
    finally:
        engine.unload(key)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_remedies_of_the_shipped_rules_are_kept_by_the_engine(
    engine: DurableRulesEngine, case: tuple[dict[str, Any], list[Any]]
) -> None:
    _check_promises(engine, "shipped", SHIPPED, *case)


# A write-off in the last 365 days declines, a plan broken in the last 365 days holds
# (policy part two), and nothing a salesperson or customer does today changes that: the
# rules have no lever on purpose, and the editor says so instead of promising a remedy.
NO_LEVER_BY_POLICY = {"written_off_365d", "broken_payment_plan"}


def test_every_shipped_rule_that_holds_or_declines_has_a_lever() -> None:
    levers = {r.name: rule_levers(r, SHIPPED) for r in SHIPPED.conditional_rules
              if r.then["outcome"] in ("hold", "declined")}
    assert set(levers) >= NO_LEVER_BY_POLICY
    assert not any(levers[name] for name in NO_LEVER_BY_POLICY), levers
    assert all(lever for name, lever in levers.items() if name not in NO_LEVER_BY_POLICY), levers


def test_the_rule_editor_report_names_each_rule_s_levers() -> None:
    report = {rule: (exact, inexact) for rule, exact, inexact in lever_report(SHIPPED)}
    assert report["over_limit"] == (("order_amount",), ())
    assert report["long_overdue"] == (("overdue",), ())
    assert report["term_exceeds"] == (("term",), ())
    assert report["stop_supply"] == (("status",), ())
    assert report["cash_in_advance"] == ((), ())  # tier D: nothing sales can change
    assert report["written_off_365d"] == ((), ())  # a recent write-off: likewise
    assert "otherwise" not in report
