"""Penalty arithmetic with the shipped terms: grace, rate, rounding, cap, catch-up."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from policy_service.config import SHIPPED_RULES
from policy_service.domain.penalty import (
    AccruedDay,
    PenaltyTerms,
    accrue,
    choose_terms,
    paid_by,
    reversals,
)
from policy_service.language.document import load_ruleset_file
from policy_service.language.reference import matching_rules
from policy_service.services.credit.tiers import DEFAULT_TIERS

RULESET = load_ruleset_file(SHIPPED_RULES / "overdue_penalty.json")
DUE = date(2026, 3, 1)
NOTHING_PAID = paid_by([])


def terms_for(tier: str) -> PenaltyTerms:
    grace = {t.code: t.grace_days for t in DEFAULT_TIERS}[tier]
    facts = {"invoice": {"amount": Decimal("1.00"), "unpaid_principal": Decimal("1.00"),
                         "currency": "CNY"},
             "customer": {"tier": tier, "status": "active", "grace_days": grace}}
    terms = choose_terms(RULESET, matching_rules(RULESET, facts), facts)
    assert terms is not None
    return terms


@pytest.mark.parametrize("tier", ["A", "B", "C", "D"])
def test_the_grace_days_are_free_and_the_next_day_accrues(tier: str) -> None:
    terms = terms_for(tier)
    last_free = DUE + timedelta(days=terms.grace_days)
    assert accrue(terms, Decimal("1000.00"), DUE, accrued=Decimal(0), after=None,
                  through=last_free, principal_paid_on=NOTHING_PAID, currency="CNY") == []
    (first,) = accrue(terms, Decimal("1000.00"), DUE, accrued=Decimal(0), after=None,
                      through=last_free + timedelta(days=1), principal_paid_on=NOTHING_PAID,
                      currency="CNY")
    assert first.day == last_free + timedelta(days=1)
    assert first.amount == terms.daily(Decimal("1000.00"), "CNY")


def test_a_day_rounds_half_up_to_cents() -> None:
    terms = PenaltyTerms("r", "C", 0, Decimal("0.05"), Decimal("15"))
    assert terms.daily(Decimal("1010.00"), "CNY") == Decimal("0.51")
    assert terms.daily(Decimal("1009.00"), "CNY") == Decimal("0.50")


def test_a_jpy_day_and_cap_round_half_up_to_whole_yen() -> None:
    terms = PenaltyTerms("r", "C", 0, Decimal("0.05"), Decimal("15"))
    assert terms.daily(Decimal("1010"), "JPY") == Decimal("1")  # 0.505 -> 1
    assert terms.daily(Decimal("999"), "JPY") == Decimal("0")  # 0.4995 -> 0
    assert terms.daily(Decimal("3000"), "JPY") == Decimal("2")  # 1.5 -> 2
    assert terms.cap(Decimal("1003"), "JPY") == Decimal("150")  # 150.45 -> 150
    days = accrue(terms, Decimal("3000"), DUE, accrued=Decimal(0), after=None,
                  through=DUE + timedelta(days=4), principal_paid_on=NOTHING_PAID,
                  currency="JPY")
    assert [a.amount for a in days] == [Decimal("2")] * 4


def test_the_last_day_under_the_cap_takes_only_what_remains() -> None:
    terms = terms_for("C")
    cap = terms.cap(Decimal("1000.00"), "CNY")
    accrued = cap - Decimal("0.20")
    (last,) = accrue(terms, Decimal("1000.00"), DUE, accrued=accrued, after=None,
                     through=DUE + timedelta(days=1000), principal_paid_on=NOTHING_PAID,
                     currency="CNY")
    assert last.amount == Decimal("0.20")


def test_a_credit_note_lowers_the_cap_to_its_share_of_the_credited_amount() -> None:
    terms = terms_for("C")
    credited = paid_by([(DUE - timedelta(days=1), Decimal("400.00"))])  # principal 600 left
    days = accrue(terms, Decimal("1000.00"), DUE, accrued=Decimal(0), after=None,
                  through=DUE + timedelta(days=3000), principal_paid_on=credited,
                  currency="CNY", cap_amount=Decimal("600.00"))
    assert sum((a.amount for a in days), Decimal(0)) == terms.cap(Decimal("600.00"), "CNY")
    assert {a.base for a in days} == {Decimal("600.00")}


def test_catching_up_after_a_gap_equals_accruing_day_by_day() -> None:
    terms = terms_for("B")
    payments = paid_by([(DUE + timedelta(days=10), Decimal("300.00"))])
    through = DUE + timedelta(days=30)
    at_once = accrue(terms, Decimal("1000.00"), DUE, accrued=Decimal(0), after=None,
                     through=through, principal_paid_on=payments, currency="CNY")
    daily, accrued, last = [], Decimal(0), None
    for n in range(31):
        day = DUE + timedelta(days=n)
        new = accrue(terms, Decimal("1000.00"), DUE, accrued=accrued, after=last, through=day,
                     principal_paid_on=payments, currency="CNY")
        daily += new
        accrued += sum((a.amount for a in new), Decimal(0))
        last = day
    assert at_once == daily


def test_a_day_already_accrued_is_never_accrued_again() -> None:
    terms = terms_for("C")
    through = DUE + timedelta(days=5)
    assert accrue(terms, Decimal("1000.00"), DUE, accrued=Decimal("2.50"), after=through,
                  through=through, principal_paid_on=NOTHING_PAID, currency="CNY") == []


def test_a_fully_paid_principal_accrues_nothing() -> None:
    terms = terms_for("C")
    paid = paid_by([(DUE, Decimal("1000.00"))])
    assert accrue(terms, Decimal("1000.00"), DUE, accrued=Decimal(0), after=None,
                  through=DUE + timedelta(days=20), principal_paid_on=paid, currency="CNY") == []


def test_principal_paid_on_a_day_counts_every_payment_dated_on_or_before_it() -> None:
    payments = [(DUE + timedelta(days=5), Decimal("1.10")), (DUE, Decimal("2.00")),
                (DUE + timedelta(days=5), Decimal("0.01")), (DUE - timedelta(days=3),
                                                             Decimal("0.50"))]
    paid_on = paid_by(payments)
    for offset in range(-5, 9):
        day = DUE + timedelta(days=offset)
        naive = sum((part for paid_at, part in payments if paid_at <= day), Decimal("0.00"))
        assert paid_on(day) == naive
    assert paid_on(DUE - timedelta(days=4)) == Decimal("0.00")


def _day(offset: int, amount: str, rate: str = "0.05") -> AccruedDay:
    return AccruedDay(DUE + timedelta(days=offset), Decimal(amount), Decimal(rate))


def test_a_value_dated_payment_reverses_only_what_its_principal_made_unowed() -> None:
    days = [_day(n, "0.50") for n in range(1, 6)]  # 1,000.00 unpaid, 0.50 a day
    paid = paid_by([(DUE + timedelta(days=3), Decimal("500.00"))])
    # From the value date (day 3) on, 500.00 was unpaid: 0.25 a day; days 1-2 stay.
    assert reversals(days, Decimal("1000.00"), "CNY", paid, Decimal("2.50")) == [
        (DUE + timedelta(days=n), Decimal("0.25")) for n in (3, 4, 5)]


def test_reversed_days_round_half_up_and_never_grow_a_day() -> None:
    # 1,010.00 at 0.05% = 0.505 -> 0.51; after 505.00 paid, 505.00 x 0.05% = 0.2525 -> 0.25.
    days = [_day(1, "0.51"), _day(2, "0.10")]  # day 2 was capped at 0.10
    paid = paid_by([(DUE + timedelta(days=1), Decimal("505.00"))])
    assert reversals(days, Decimal("1010.00"), "CNY", paid, Decimal("0.61")) == [
        (DUE + timedelta(days=1), Decimal("0.26"))]


def test_reversals_in_whole_yen_and_within_the_unpaid_penalty() -> None:
    days = [_day(n, "2") for n in range(1, 5)]  # 3,000 JPY: 1.5 -> 2 yen a day
    paid = paid_by([(DUE + timedelta(days=1), Decimal("3000"))])
    assert reversals(days, Decimal("3000"), "JPY", paid, Decimal("8")) == [
        (DUE + timedelta(days=n), Decimal("2")) for n in range(1, 5)]
    # Only 5 yen is neither paid nor waived: the latest days give way.
    assert reversals(days, Decimal("3000"), "JPY", paid, Decimal("5")) == [
        (DUE + timedelta(days=1), Decimal("2")), (DUE + timedelta(days=2), Decimal("2")),
        (DUE + timedelta(days=3), Decimal("1"))]
