"""Review indicators over the last 365 days: on-time rate, days late, overdue, utilization."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from policy_service.config import SHIPPED_RULES
from policy_service.domain.review import (
    InvoiceHistory,
    average_exposure,
    count_late,
    days_late,
    indicators,
    principal_changes,
    propose,
    reservation_changes,
    write_off_changes,
)
from policy_service.language.document import load_ruleset_file

AS_OF = date(2026, 12, 31)
D = Decimal


def inv(amount: str, due_days_ago: int, payments: list[tuple[int, str]], status: str = "paid",
        outstanding: str = "0.00") -> InvoiceHistory:
    due = AS_OF - timedelta(days=due_days_ago)
    return InvoiceHistory(D(amount), due - timedelta(days=30), due, status, D(outstanding),
                          tuple((due + timedelta(days=late), D(p)) for late, p in payments))


def test_the_on_time_rate_is_the_share_of_amount_paid_by_the_due_date() -> None:
    found = indicators([inv("300.00", 100, [(0, "300.00")]),
                        inv("100.00", 50, [(-1, "50.00"), (10, "50.00")])], AS_OF, D("1000.00"))
    assert found.on_time_rate == D("0.8750")
    assert found.max_days_late == 10
    assert found.invoice_count == 2


def test_invoices_due_more_than_a_year_ago_do_not_count() -> None:
    found = indicators([inv("100.00", 366, [(90, "100.00")])], AS_OF, D("1000.00"))
    assert (found.invoice_count, found.max_days_late, found.on_time_rate) == (0, 0, D("1.0000"))


def test_an_open_overdue_invoice_counts_as_late_until_today_and_as_overdue() -> None:
    found = indicators([inv("200.00", 70, [], "open", "210.00")], AS_OF, D("1000.00"))
    assert (found.max_days_late, found.oldest_overdue_days) == (70, 70)
    assert found.overdue_amount == D("210.00")
    assert found.on_time_rate == D("0.0000")


def test_utilization_is_average_open_principal_over_the_year_divided_by_the_limit() -> None:
    open_all_year = InvoiceHistory(D("500.00"), AS_OF - timedelta(days=400), AS_OF, "open",
                                   D("500.00"))
    assert indicators([open_all_year], AS_OF, D("1000.00")).utilization == D("0.5000")


def test_a_payment_dated_before_its_invoice_never_makes_utilization_negative() -> None:
    issued = AS_OF - timedelta(days=100)
    prepaid = InvoiceHistory(D("1000.00"), issued, issued + timedelta(days=30), "paid",
                             D("0.00"), ((issued - timedelta(days=3), D("1000.00")),))
    assert indicators([prepaid], AS_OF, D("1000.00")).utilization == D("0.0000")
    half = InvoiceHistory(D("730.00"), issued, issued + timedelta(days=30), "open",
                          D("365.00"), ((issued - timedelta(days=3), D("365.00")),))
    # 365.00 open for the invoice's 101 days of the window: 365 * 101 / 365 / 1000
    assert indicators([half], AS_OF, D("1000.00")).utilization == D("0.1010")


def test_utilization_averages_daily_exposure_with_penalty_and_reserved_orders() -> None:
    issued = AS_OF - timedelta(days=99)  # open for the last 100 days of the window
    invoice = InvoiceHistory(D("1000.00"), issued, issued + timedelta(days=30), "open",
                             D("1000.00"))
    penalty = [(AS_OF - timedelta(days=9), D("5.00"))] * 10  # 50.00 on the last 10 days
    # an order reserved 2,000.00 for 73 days, then its invoice consumed it
    reserved = [(AS_OF - timedelta(days=200), D("2000.00")),
                (AS_OF - timedelta(days=127), D("-2000.00"))]
    found = indicators([invoice], AS_OF, D("10000.00"), [*penalty, *reserved])
    # (1000.00 * 100 + 50.00 * 10 + 2000.00 * 73) / 365 / 10000.00 = 246500 / 3650000
    assert found.utilization == D("0.0675")


def test_a_day_whose_exposure_would_be_negative_counts_as_zero() -> None:
    # a correction dated before anything was owed does not make utilization negative
    found = indicators([], AS_OF, D("1000.00"), [(AS_OF - timedelta(days=10), D("-50.00"))])
    assert found.utilization == D("0.0000")


def test_changes_before_the_window_make_its_opening_balance() -> None:
    found = indicators([], AS_OF, D("1000.00"), [(AS_OF - timedelta(days=500), D("365.00"))])
    assert found.utilization == D("0.3650")


def test_late_counts_use_the_day_the_principal_was_fully_paid() -> None:
    invoice = inv("100.00", 100, [(5, "40.00"), (31, "60.00")])
    assert days_late(invoice, AS_OF) == 31
    assert count_late([invoice], AS_OF, more_than=30) == 1
    assert count_late([invoice], AS_OF, more_than=31) == 0


def test_a_proposal_is_rounded_and_worded_in_the_customers_currency() -> None:
    ruleset = load_ruleset_file(SHIPPED_RULES / "limit_review.json")
    facts = {"customer": {"credit_limit": Decimal("1234567"), "tier": "C", "status": "active",
                          "review_overdue": False, "payment_term_days": 30,
                          "grace_days": 0},
             "review": {"on_time_rate": Decimal("0"), "max_days_late": 28,
                        "overdue_amount": Decimal("0"), "oldest_overdue_days": 0,
                        "utilization": Decimal("0.1"), "invoice_count": 1}}
    ladder = ("A", "B", "C", "D")
    # cut 30%: 1,234,567 x 0.7 = 864,196.9 -> 864,197 yen; 864,196.90 in cents
    assert propose(ruleset, ["cut"], facts, ladder, "JPY").credit_limit == Decimal("864197")
    assert propose(ruleset, ["cut"], facts, ladder).credit_limit == Decimal("864196.90")
    kept = propose(ruleset, ["keep"], facts, ladder, "JPY")
    assert kept.message["en"] == "keep the limit of 1,234,567 and tier C"


def test_a_credit_note_lowers_open_principal_from_its_date_only() -> None:
    issued = AS_OF - timedelta(days=100)
    credited = InvoiceHistory(D("600.00"), issued, issued + timedelta(days=30), "open",
                              D("600.00"), credits=((AS_OF - timedelta(days=50), D("400.00")),))
    changes = principal_changes([credited])
    assert sorted(changes) == [(issued, D("1000.00")),
                               (AS_OF - timedelta(days=50), D("-400.00"))]
    # issued 100 days ago: 50 days at 1000, then 51 (the note's day to AS_OF) at 600
    assert average_exposure(changes, AS_OF) == (D(1000) * 50 + D(600) * 51) / 365


def test_a_write_off_removes_what_was_owed_and_puts_back_recoveries_paid_from_its_day() -> None:
    written_off = AS_OF - timedelta(days=50)
    payments = [(written_off - timedelta(days=1), D("100.00"), D("0.00")),  # before: not back
                (written_off, D("300.00"), D("5.00")),
                (AS_OF, D("40.00"), D("0.00"))]
    assert write_off_changes(written_off, D("900.00"), payments) == [
        (written_off, D("-900.00")), (written_off, D("305.00")), (AS_OF, D("40.00"))]


def test_each_reservation_event_changes_exposure_by_its_difference_to_the_one_before() -> None:
    d1, d2, d3 = (AS_OF - timedelta(days=n) for n in (30, 20, 10))
    events = [("A", d1, D("5000.00")), ("B", d1, D("700.00")), ("A", d2, D("2000.00")),
              ("A", d3, D("0.00")), ("B", d3, D("0.00"))]
    changes = reservation_changes(events)
    assert changes == [(d1, D("5000.00")), (d1, D("700.00")), (d2, D("-3000.00")),
                       (d3, D("-2000.00")), (d3, D("-700.00"))]
    assert sum(amount for _, amount in changes) == 0  # all released: nothing reserved
