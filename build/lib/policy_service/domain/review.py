"""Periodic credit review: indicators over the last 365 days and the limit_review proposal."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from policy_service.domain.money import quantize, quantize_to
from policy_service.language.document import RuleSet
from policy_service.language.rendering import render_messages

WINDOW_DAYS = 365
RATE = Decimal("0.0001")
HUNDRED = Decimal(100)
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class InvoiceHistory:
    """What the indicators need of one invoice: dates, amounts and its payments' principal.

    ``amount`` is what is owed in principal (less credit notes); ``credits`` are the credit
    notes (issue date, amount), which only tell when the open principal went down."""

    amount: Decimal
    issue_date: date
    due_date: date
    status: str
    outstanding: Decimal
    payments: tuple[tuple[date, Decimal], ...] = ()
    invoice_id: str = ""
    credits: tuple[tuple[date, Decimal], ...] = ()


@dataclass(frozen=True)
class Indicators:
    """on-time rate and utilization are 0–1 fractions to 4 places; amounts in the currency."""

    on_time_rate: Decimal
    max_days_late: int
    overdue_amount: Decimal
    oldest_overdue_days: int
    utilization: Decimal
    invoice_count: int


def _rate(value: Decimal) -> Decimal:
    return value.quantize(RATE, rounding=ROUND_HALF_UP)


def days_late(invoice: InvoiceHistory, as_of: date) -> int:
    """Days after the due date until the principal was fully paid (or until ``as_of`` if not)."""
    paid = ZERO
    for paid_at, part in sorted(invoice.payments):
        paid += part
        if paid >= invoice.amount:
            return max((paid_at - invoice.due_date).days, 0)
    return max((as_of - invoice.due_date).days, 0)


def in_window(invoice: InvoiceHistory, as_of: date) -> bool:
    """Due within the last 365 days up to and including ``as_of``."""
    return as_of - timedelta(days=WINDOW_DAYS) < invoice.due_date <= as_of


def count_late(invoices: Iterable[InvoiceHistory], as_of: date, more_than: int) -> int:
    """Invoices due in the window that were, or are, paid more than ``more_than`` days late."""
    return sum(1 for i in invoices if in_window(i, as_of) and days_late(i, as_of) > more_than)


Change = tuple[date, Decimal]
"""A change of the customer's exposure on a day: (day, amount added; negative to remove)."""


def principal_changes(invoices: Iterable[InvoiceHistory]) -> list[Change]:
    """Open principal: each invoice adds its amount on its issue date and each payment
    removes its principal on its value date (a payment dated before its invoice was
    issued pays from the issue date on, so no day's principal goes negative); a credit
    note removes its amount on its date (until then the invoice counts in full)."""
    changes: list[Change] = []
    for i in invoices:
        changes.append((i.issue_date, i.amount + sum((c for _d, c in i.credits), ZERO)))
        changes += [(max(day, i.issue_date), -part)
                    for day, part in (*i.payments, *i.credits)]
    return changes


def write_off_changes(written_off: date, owed: Decimal,
                      payments: Iterable[tuple[date, Decimal, Decimal]]) -> list[Change]:
    """A write-off takes what was still owed out of exposure on its day; a recovery paid
    on or after that day (value date, principal part, penalty part) is already out, so
    its parts are put back on its day."""
    return [(written_off, -owed), *((paid_at, principal + penalty)
                                    for paid_at, principal, penalty in payments
                                    if paid_at >= written_off)]


def reservation_changes(events: Iterable[tuple[str, date, Decimal]]) -> list[Change]:
    """Reserved orders from credit-check events in the order they happened (decision id,
    business date, amount reserved after the event): each event changes the exposure by
    the difference to that decision's previous reservation, on its day."""
    before: dict[str, Decimal] = {}
    changes: list[Change] = []
    for decision_id, day, reserved in events:
        changes.append((day, reserved - before.get(decision_id, ZERO)))
        before[decision_id] = reserved
    return changes


def average_exposure(changes: Iterable[Change], as_of: date, days: int = WINDOW_DAYS
                     ) -> Decimal:
    """The average over the ``days`` days up to ``as_of`` of each day's exposure (the sum
    of the changes up to and including that day), a day below zero counted as zero."""
    start = as_of - timedelta(days=days - 1)
    by_day: dict[date, Decimal] = {}
    balance = ZERO
    for day, amount in changes:
        if day < start:
            balance += amount
        elif day <= as_of:
            by_day[day] = by_day.get(day, ZERO) + amount
    area = ZERO
    for n in range(days):
        balance += by_day.get(start + timedelta(days=n), ZERO)
        area += max(balance, ZERO)
    return area / days


def indicators(invoices: Iterable[InvoiceHistory], as_of: date, credit_limit: Decimal,
               other_changes: Iterable[Change] = ()) -> Indicators:
    """The review indicators of policy.md as of a date.

    Utilization is the average daily exposure over the window ÷ the credit limit, never
    negative: open principal (from the invoices) plus ``other_changes``, the accrued,
    unpaid penalty and the reserved orders as they changed day by day."""
    invoices = list(invoices)
    window = [i for i in invoices if in_window(i, as_of)]
    total = sum((i.amount for i in window), ZERO)
    on_time = sum((part for i in window for paid_at, part in i.payments
                   if paid_at <= i.due_date), ZERO)
    rate = _rate(on_time / total) if total else Decimal("1.0000")
    overdue = [i for i in invoices if i.status == "open" and i.due_date < as_of]
    average = average_exposure([*principal_changes(invoices), *other_changes], as_of)
    utilization = _rate(average / credit_limit) if credit_limit > 0 else Decimal(0)
    return Indicators(
        on_time_rate=rate,
        max_days_late=max((days_late(i, as_of) for i in window), default=0),
        overdue_amount=sum((i.outstanding for i in overdue), ZERO),
        oldest_overdue_days=max(((as_of - i.due_date).days for i in overdue), default=0),
        utilization=utilization,
        invoice_count=len(window),
    )


@dataclass(frozen=True)
class Proposal:
    """raise | keep | cut, with the proposed limit and tier and the reason in zh and en."""

    rule: str
    code: str
    action: str
    credit_limit: Decimal
    tier: str
    message: Mapping[str, str]


def _rounded(value: Decimal, currency: str | None) -> Decimal:
    return quantize(value) if currency is None else quantize_to(value, currency)


def move_tier(tier: str, steps: int, ladder: Sequence[str]) -> str:
    """``steps`` up (positive, toward ladder[0]) or down, not beyond either end."""
    if tier not in ladder:
        return tier
    index = min(max(ladder.index(tier) - steps, 0), len(ladder) - 1)
    return ladder[index]


def propose(ruleset: RuleSet, matched: Iterable[str], facts: Mapping[str, Any],
            ladder: Sequence[str], currency: str | None = None) -> Proposal:
    """The proposal of the first matched rule (``RuleSet.first_match``), else the otherwise;
    the new limit half-up to ``currency``'s minor unit (cents when none is named: the rule
    cases, whose facts carry no currency)."""
    rule = ruleset.first_match(matched)
    limit: Decimal = facts["customer"]["credit_limit"]
    tier: str = facts["customer"]["tier"]
    if rule is None:
        return Proposal("", "", "keep", limit, tier, {})
    then = rule.then
    change = Decimal(str(then["limit_change_percent"]))
    message = render_messages(then["message"], ruleset.vocabulary, facts, currency)
    return Proposal(rule.name, str(then["code"]), str(then["action"]),
                    _rounded(limit * (HUNDRED + change) / HUNDRED, currency),
                    move_tier(tier, int(then["tier_steps"]), ladder), message)
