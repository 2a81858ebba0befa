"""Early-warning facts: utilization, overdue share, weighted days late, days since payment."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from policy_service.domain.early_warning import (
    Figures,
    PaidPart,
    broken_within,
    ratio,
    warning_facts,
    weighted_days_late,
)

AS_OF = date(2026, 6, 30)


def _figures(**changes: object) -> Figures:
    base = {"tier": "B", "status": "active", "name": "Acme", "currency": "CNY",
            "credit_limit": Decimal("10000.00"), "open_receivables": Decimal("6000.00"),
            "reserved_orders": Decimal("2500.00"), "overdue_amount": Decimal("2000.00"),
            "paid": (), "oldest_open_issue": date(2026, 1, 1)}
    return Figures(**{**base, **changes})  # type: ignore[arg-type]


def test_utilization_is_exposure_over_the_limit_and_the_share_is_overdue_over_receivables(
        ) -> None:
    facts = warning_facts(_figures(), AS_OF)
    assert facts["exposure"] == {"total": Decimal("8500.00"), "utilization": Decimal("0.8500")}
    assert facts["overdue"]["share"] == Decimal("0.3333")
    assert warning_facts(_figures(credit_limit=Decimal("0")), AS_OF)["exposure"][
        "utilization"] == Decimal("0")
    assert ratio(Decimal(1), Decimal(0)) == Decimal("0.0000")


def test_days_late_are_weighted_by_amount_and_early_payments_count_as_zero() -> None:
    due = date(2026, 5, 1)
    paid = [PaidPart(Decimal("300.00"), due + timedelta(days=20), due),
            PaidPart(Decimal("100.00"), due - timedelta(days=5), due),   # early: 0 days
            PaidPart(Decimal("500.00"), due - timedelta(days=200), due)]  # outside the window
    # (300 × 20 + 100 × 0) / 400 = 15
    assert weighted_days_late(paid, AS_OF - timedelta(days=90), AS_OF) == Decimal("15.0000")
    assert weighted_days_late([], AS_OF - timedelta(days=90), AS_OF) == Decimal("0")


def test_the_trend_compares_the_last_90_days_with_the_90_before() -> None:
    due = date(2026, 1, 10)
    paid = (PaidPart(Decimal("100.00"), date(2026, 2, 1), due),   # prior window: 22 days late
            PaidPart(Decimal("100.00"), date(2026, 6, 1), date(2026, 5, 1)))  # last: 31 days
    payments = warning_facts(_figures(paid=paid), AS_OF)["payments"]
    assert (payments["days_late_90d"], payments["days_late_prior_90d"]) == (
        Decimal("31.0000"), Decimal("22.0000"))
    assert payments["days_since_last"] == 29


def test_without_payments_the_days_run_from_the_oldest_open_invoice() -> None:
    assert warning_facts(_figures(), AS_OF)["payments"]["days_since_last"] == 180
    assert warning_facts(_figures(oldest_open_issue=None), AS_OF)["payments"][
        "days_since_last"] == 0


def test_broken_plans_count_for_365_days_after_the_break_and_other_endings_do_not() -> None:
    year_ago = AS_OF - timedelta(days=365)
    plans = [("broken", AS_OF), ("broken", year_ago + timedelta(days=1)),
             ("broken", year_ago), ("completed", AS_OF), ("cancelled", AS_OF), ("active", None)]
    assert broken_within(plans, AS_OF) == 2
    facts = warning_facts(_figures(broken_plans_365d=2), AS_OF)
    assert facts["customer"]["broken_plans_365d"] == 2
