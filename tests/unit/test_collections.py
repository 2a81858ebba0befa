"""Collections arithmetic: dispute spans, instalments settled in date order, plan checks."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from policy_service.domain import collections, penalty
from policy_service.domain.collections import DisputeSpan, Instalment

D = date(2026, 3, 1)


def test_a_dispute_counts_from_its_opening_until_the_day_it_is_resolved() -> None:
    spans = [DisputeSpan(Decimal("400.00"), D, D + timedelta(days=5))]
    assert collections.disputed_on(spans, D - timedelta(days=1)) == 0
    assert collections.disputed_on(spans, D) == Decimal("400.00")
    assert collections.disputed_on(spans, D + timedelta(days=4)) == Decimal("400.00")
    assert collections.disputed_on(spans, D + timedelta(days=5)) == 0  # resumes that day


def test_what_a_dispute_takes_out_is_never_more_than_the_unpaid_principal() -> None:
    assert collections.disputed_part(Decimal("400.00"), Decimal("300.00")) == Decimal("300.00")
    assert collections.fully_disputed(Decimal("400.00"), Decimal("300.00"))
    assert not collections.fully_disputed(Decimal("200.00"), Decimal("300.00"))
    assert not collections.fully_disputed(Decimal("0.00"), Decimal("0.00"))


def test_payments_settle_instalments_in_date_order() -> None:
    items = [Instalment(D + timedelta(days=30), Decimal("600.00")),
             Instalment(D, Decimal("400.00"))]
    states = collections.settle(items, Decimal("500.00"))
    assert [(s.due_date, s.paid, s.settled) for s in states] == [
        (D, Decimal("400.00"), True), (D + timedelta(days=30), Decimal("100.00"), False)]
    assert collections.days_late(states, D + timedelta(days=40)) == 10
    assert collections.days_late(states, D + timedelta(days=10)) == 0


def test_instalments_must_add_up_to_the_outstanding() -> None:
    items = [Instalment(D, Decimal("400.00")), Instalment(D, Decimal("600.00"))]
    assert collections.plan_problem(items, Decimal("1000.00")) is None
    assert "1000.01" in (collections.plan_problem(items, Decimal("1000.01")) or "")
    assert collections.plan_problem([], Decimal("0.00")) is not None
    assert collections.plan_problem([Instalment(D, Decimal("0.00"))], Decimal("0.00"))


def test_excluded_principal_accrues_nothing_on_its_days_and_the_rest_accrues() -> None:
    terms = penalty.PenaltyTerms("r", "X", 0, Decimal("0.05"), Decimal("15"))
    spans = [DisputeSpan(Decimal("1000.00"), D + timedelta(days=3), D + timedelta(days=6))]
    out = penalty.accrue(terms, Decimal("1000.00"), D, accrued=Decimal("0.00"), after=None,
                         currency="CNY",
                         through=D + timedelta(days=8),
                         principal_paid_on=lambda day: Decimal("0.00"),
                         excluded_on=lambda day: collections.disputed_on(spans, day))
    assert [a.day.day for a in out] == [2, 3, 7, 8, 9]
