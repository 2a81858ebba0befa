"""Overdue penalty arithmetic: terms from the overdue_penalty rule set, daily accrual with a cap.

Day D of an invoice accrues when it is more than ``grace_days`` past the due date.
The base is the principal still unpaid on D (payments dated D count), the day's amount
is base × daily rate rounded half-up to the currency's minor unit (whole yen for JPY),
and the running total never exceeds cap percent × the invoice amount (the last day takes
what remains under the cap).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from policy_service.domain.money import quantize_to
from policy_service.language.document import RuleSet

HUNDRED = Decimal(100)
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PenaltyTerms:
    """The terms one rule of overdue_penalty gives: grace days, daily rate and cap in percent."""

    rule: str
    code: str
    grace_days: int
    daily_rate_percent: Decimal
    cap_percent: Decimal

    def cap(self, amount: Decimal, currency: str) -> Decimal:
        """The most penalty an invoice of ``amount`` can accrue, in ``currency``'s minor unit."""
        return quantize_to(amount * self.cap_percent / HUNDRED, currency)

    def daily(self, base: Decimal, currency: str) -> Decimal:
        """One day's penalty on ``base``, half-up to ``currency``'s minor unit (before the cap)."""
        return quantize_to(base * self.daily_rate_percent / HUNDRED, currency)

    def first_day(self, due_date: date) -> date:
        """The first day that accrues: the day after the grace days after the due date."""
        return due_date + timedelta(days=self.grace_days + 1)


@dataclass(frozen=True)
class Accrual:
    """One day's penalty of one invoice."""

    day: date
    base: Decimal
    amount: Decimal


def terms_from_then(rule: str, then: Mapping[str, Any], tier_grace_days: int) -> PenaltyTerms:
    """PenaltyTerms from a validated ``then``; grace days from the tier unless it sets them."""
    grace = int(then["grace_days"]) if "grace_days" in then else tier_grace_days
    return PenaltyTerms(rule, str(then["code"]), grace,
                        Decimal(str(then["daily_rate_percent"])), Decimal(str(then["cap_percent"])))


def choose_terms(ruleset: RuleSet, matched: Iterable[str], facts: Mapping[str, Any]
                 ) -> PenaltyTerms | None:
    """The terms of the first matched rule (``RuleSet.first_match``); the otherwise if none.

    ``facts`` are the penalty facts: ``customer.grace_days`` is the tier's grace days.
    """
    rule = ruleset.first_match(matched)
    grace = int(facts["customer"]["grace_days"])
    return None if rule is None else terms_from_then(rule.name, rule.then, grace)


def accrue(
    terms: PenaltyTerms, amount: Decimal, due_date: date, *, accrued: Decimal,
    after: date | None, through: date, principal_paid_on: Callable[[date], Decimal],
    currency: str,
    excluded_on: Callable[[date], Decimal] | None = None,
    cap_amount: Decimal | None = None,
) -> list[Accrual]:
    """The new daily accruals from the day after ``after`` (or the first day) through ``through``.

    ``accrued`` is what earlier days already accrued (it counts toward the cap);
    ``principal_paid_on(day)`` is the principal paid (or credited) on or before ``day``;
    ``excluded_on(day)`` is principal that accrues nothing that day (under dispute, or
    held by a payment plan); ``cap_amount`` is what the cap is a percentage of (default
    ``amount``; the amount less credit notes when there are some).
    """
    cap = terms.cap(amount if cap_amount is None else cap_amount, currency)
    day = terms.first_day(due_date)
    if after is not None and after >= day:
        day = after + timedelta(days=1)
    out: list[Accrual] = []
    while day <= through and accrued < cap:
        base = amount - principal_paid_on(day)
        if base <= 0:
            break
        if excluded_on is not None:
            base -= min(excluded_on(day), base)
            if base <= 0:
                day += timedelta(days=1)
                continue
        share = min(terms.daily(base, currency), cap - accrued)
        if share > 0:
            out.append(Accrual(day, base, share))
            accrued += share
        day += timedelta(days=1)
    return out


def paid_by(payments: Iterable[tuple[date, Decimal]]) -> Callable[[date], Decimal]:
    """``principal_paid_on`` for a list of (paid_at, principal part) payments."""
    days: list[date] = []
    totals: list[Decimal] = []
    total = ZERO
    for paid_at, part in sorted(payments):
        total += part
        if days and days[-1] == paid_at:
            totals[-1] = total
        else:
            days.append(paid_at)
            totals.append(total)

    def principal_paid_on(day: date) -> Decimal:
        index = bisect_right(days, day)
        return totals[index - 1] if index else ZERO

    return principal_paid_on


@dataclass(frozen=True)
class AccruedDay:
    """A day's recorded penalty as it stands (its accrual less earlier corrections)."""

    day: date
    amount: Decimal
    daily_rate_percent: Decimal


def reversals(days: Iterable[AccruedDay], amount: Decimal, currency: str,
              principal_paid_on: Callable[[date], Decimal], unpaid_penalty: Decimal
              ) -> list[tuple[date, Decimal]]:
    """Per day, the penalty to take off once payments are counted from their value dates.

    Each day is owed only on the principal unpaid that day: its amount becomes at most
    ``rate × (amount − principal_paid_on(day))`` rounded half-up to the currency's minor
    unit (never more than it stands at). The total never exceeds ``unpaid_penalty`` (what
    is neither paid nor waived); the latest days give way first.
    """
    out: list[tuple[date, Decimal]] = []
    for accrued in sorted(days, key=lambda d: d.day):
        base = max(amount - principal_paid_on(accrued.day), Decimal(0))
        owed = min(quantize_to(base * accrued.daily_rate_percent / HUNDRED, currency),
                   accrued.amount)
        if owed < accrued.amount:
            out.append((accrued.day, accrued.amount - owed))
    room = max(unpaid_penalty, Decimal(0))
    kept: list[tuple[date, Decimal]] = []
    for day, cut in out:
        take = min(cut, room)
        if take > 0:
            kept.append((day, take))
            room -= take
    return kept
