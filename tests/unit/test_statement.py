"""The statement fold: opening, running balance, closing; penalty dates; periods."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from policy_service.domain.statement import Entry, build, month_end, penalty_day, period_problem

TEXT = {"zh": "x", "en": "x"}


def test_entries_before_the_period_open_it_and_the_rest_run_to_the_closing_balance() -> None:
    entries = [
        Entry(date(2026, 1, 5), "invoice", "I-1", TEXT, debit=Decimal("1000.00")),
        Entry(date(2026, 2, 3), "payment", "P-1", TEXT, credit=Decimal("400.00"), order=2),
        Entry(date(2026, 2, 3), "invoice", "I-2", TEXT, debit=Decimal("50.00")),
        Entry(date(2026, 2, 28), "penalty", "I-1", TEXT, debit=Decimal("3.50"), order=1),
        Entry(date(2026, 3, 1), "invoice", "I-3", TEXT, debit=Decimal("9.00")),  # after `to`
    ]
    statement = build(entries, date(2026, 2, 1), date(2026, 2, 28))
    assert statement.opening == Decimal("1000.00")
    assert [(line.entry.ref, line.balance) for line in statement.lines] == [
        ("I-2", Decimal("1050.00")), ("P-1", Decimal("650.00")), ("I-1", Decimal("653.50"))]
    assert statement.closing == statement.opening + statement.debits - statement.credits


def test_a_recovery_is_a_debit_and_a_credit_so_the_balance_stays() -> None:
    statement = build([Entry(date(2026, 2, 3), "recovery", "P-9", TEXT, debit=Decimal("80.00"),
                             credit=Decimal("80.00"))], date(2026, 2, 1), date(2026, 2, 28))
    assert (statement.closing, statement.debits, statement.credits) == (
        Decimal("0.00"), Decimal("80.00"), Decimal("80.00"))


def test_an_empty_period_closes_at_its_opening_balance() -> None:
    statement = build([Entry(date(2026, 1, 5), "invoice", "I-1", TEXT, debit=Decimal("10.00"))],
                      date(2026, 2, 1), date(2026, 2, 28))
    assert statement.lines == [] and statement.closing == Decimal("10.00")


def test_penalty_is_dated_at_the_months_end_or_the_periods() -> None:
    assert month_end(date(2028, 2, 10)) == date(2028, 2, 29)
    assert penalty_day(date(2026, 2, 10), date(2026, 3, 31)) == date(2026, 2, 28)
    assert penalty_day(date(2026, 3, 10), date(2026, 3, 15)) == date(2026, 3, 15)


def test_a_period_runs_forward_and_covers_at_most_five_years() -> None:
    assert period_problem(date(2026, 2, 1), date(2026, 1, 31)) == "from is after to"
    assert period_problem(date(2021, 1, 1), date(2025, 12, 31)) is None
    assert period_problem(date(2020, 1, 1), date(2026, 1, 31)) is not None


def test_an_unknown_line_type_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown statement line type"):
        Entry(date(2026, 1, 1), "refund", "R-1", TEXT)
