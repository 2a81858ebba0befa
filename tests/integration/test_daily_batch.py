"""The day's batch on its fast path: one engine evaluation per distinct fact value, bulk rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from policy_service.container import Services
from policy_service.db.models_receivables import OutboxMessage, PenaltyAccrual
from policy_service.engine import RuleEngine
from policy_service.language.document import load_ruleset_file
from policy_service.services.day.batch import process
from policy_service.services.day.books import load_books
from policy_service.services.day.context import condition_paths
from policy_service.services.day.run import _context, run_daily
from tests.integration.receivables_book import (
    RULES,
    customer,
    get_invoice,
    invoice,
    pay,
    rows,
    shipped_terms,
)

DUE = date(2026, 3, 1)


class CountingEngine:
    """Counts evaluations per rule set and delegates to the real engine."""

    def __init__(self, inner: RuleEngine) -> None:
        self.inner = inner
        self.calls: Counter[str] = Counter()

    def evaluate(self, key: str, facts: Mapping[str, Any]) -> list[str]:
        self.calls[key] += 1
        return self.inner.evaluate(key, facts)


def test_the_rule_sets_name_the_facts_their_memo_is_keyed_on() -> None:
    assert condition_paths(load_ruleset_file(RULES / "escalation.json")) == (
        ("instalment", "days_late"), ("invoice", "days_from_due"), ("invoice", "outstanding"))
    assert condition_paths(load_ruleset_file(RULES / "overdue_penalty.json")) == (
        ("customer", "tier"),)
    assert condition_paths(load_ruleset_file(RULES / "receivable_classes.json")) == (
        ("invoice", "days_past_due"), ("invoice", "written_off"))
    assert condition_paths(load_ruleset_file(RULES / "blacklist_watch.json")) == (
        ("invoice", "days_late"),)


def test_invoices_agreeing_on_the_facts_the_rules_read_share_one_evaluation(
        services: Services) -> None:
    customer(services, "C-1", tier="C")
    customer(services, "C-2", tier="C")
    for n, amount in enumerate(("1000.00", "2345.67", "80.01")):
        invoice(services, f"I-1-{n}", amount, DUE, "C-1")
        invoice(services, f"I-2-{n}", amount, DUE, "C-2")
    invoice(services, "I-1-late", "500.00", DUE - timedelta(days=40), "C-1")
    as_of = DUE + timedelta(days=10)
    with services.uow() as uow:
        ctx = _context(services.rulesets, uow.session, as_of)
        counting = CountingEngine(ctx.engine)
        ctx.engine = counting
        process(uow.session, ctx, load_books(uow.session, ["C-1", "C-2"], as_of))
        uow.commit()
    # escalation: 10 days from due with at least 100 outstanding (1000.00 and 2345.67 of
    # both customers share it), 10 days with less (80.01 plus penalty: the materiality
    # threshold splits it off), and 50 days; one tier; the aging classes and the blacklist
    # watch see two distinct days past due / days late; early warning sees two customers
    # with different figures
    assert counting.calls == Counter({"escalation": 3, "overdue_penalty": 1,
                                      "receivable_classes": 2, "blacklist_watch": 2,
                                      "early_warning": 2})
    assert ctx.counts["penalty_days"] == 6 * 10 + 50


def test_bulk_written_penalty_days_read_back_exactly_and_sum_to_the_invoice_total(
        services: Services) -> None:
    customer(services, tier="C")
    invoice(services, "I-1", "1234.57", DUE)
    pay(services, "P-1", "I-1", "0.01", DUE + timedelta(days=2))
    pay(services, "P-2", "I-1", "333.33", DUE + timedelta(days=2))
    pay(services, "P-3", "I-1", "100.00", DUE + timedelta(days=5))
    terms = shipped_terms("C", "1234.57")
    run_daily(services.uow(), services.rulesets, DUE + timedelta(days=8))
    accruals = rows(services, PenaltyAccrual, invoice_id="I-1")
    assert [a.base for a in accruals] == [Decimal("1234.57")] + [Decimal("901.23")] * 3 + [
        Decimal("801.23")] * 4
    assert all(a.amount == terms.daily(a.base, "CNY") for a in accruals)
    assert get_invoice(services, "I-1").penalty_accrued == sum(
        (a.amount for a in accruals), Decimal("0.00"))


def test_bulk_queued_messages_are_pending_with_the_customers_recipient(
        services: Services) -> None:
    customer(services)
    invoice(services, "I-1", "1000.00", DUE)
    run_daily(services.uow(), services.rulesets, DUE)
    messages = rows(services, OutboxMessage)
    assert [(m.channel, m.recipient, m.status, m.attempts) for m in messages] == [
        ("email", "c-1@example.com", "pending", 0), ("sms", "+8613800000000", "pending", 0)]
    assert all(m.next_attempt_at is not None and m.created_at is not None for m in messages)


def test_each_invoice_s_penalty_terms_are_chosen_once_per_batch(services: Services) -> None:
    customer(services, "C-1", tier="C")
    for n in range(3):
        invoice(services, f"I-{n}", "1000.00", DUE - timedelta(days=10 * n))
    invoice(services, "I-future", "1000.00", DUE + timedelta(days=5))  # open, not yet due
    as_of = DUE + timedelta(days=1)
    with services.uow() as uow:
        ctx = _context(services.rulesets, uow.session, as_of)
        chosen: Counter[str] = Counter()
        choose = ctx.penalty_terms

        def counting(facts: dict[str, Any]) -> Any:
            chosen[str(facts["invoice"]["amount"])] += 1
            return choose(facts)

        ctx.penalty_terms = counting  # type: ignore[method-assign]
        process(uow.session, ctx, load_books(uow.session, ["C-1"], as_of))
        uow.commit()
    # accrual (the three overdue invoices) and dunning (all four) share one choice each
    assert sum(chosen.values()) == 4
    assert ctx.counts["penalty_days"] > 0 and ctx.counts["dunning_steps"] > 0
