"""Periodic credit review: indicators over the last 365 days and the limit_review proposal."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from policy_service.domain.money import quantize
from policy_service.language.document import RuleSet
from policy_service.language.reference import render_template

WINDOW_DAYS = 365
RATE = Decimal("0.0001")
HUNDRED = Decimal(100)
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class InvoiceHistory:
    """What the indicators need of one invoice: dates, amounts and its payments' principal."""

    amount: Decimal
    issue_date: date
    due_date: date
    status: str
    outstanding: Decimal
    payments: tuple[tuple[date, Decimal], ...] = ()
    invoice_id: str = ""


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


def _open_days(since: date, start: date, as_of: date) -> int:
    """How many days of [start, as_of] are on or after ``since``."""
    return max((as_of - max(since, start)).days + 1, 0) if since <= as_of else 0


def indicators(invoices: Iterable[InvoiceHistory], as_of: date, credit_limit: Decimal
               ) -> Indicators:
    """The review indicators of policy.md as of a date."""
    invoices = list(invoices)
    window = [i for i in invoices if in_window(i, as_of)]
    total = sum((i.amount for i in window), ZERO)
    on_time = sum((part for i in window for paid_at, part in i.payments
                   if paid_at <= i.due_date), ZERO)
    rate = _rate(on_time / total) if total else Decimal("1.0000")
    overdue = [i for i in invoices if i.status == "open" and i.due_date < as_of]
    start = as_of - timedelta(days=WINDOW_DAYS - 1)
    # Open principal summed over the days of the window; a payment value-dated before its
    # invoice was issued pays from the issue date on, so no day's balance goes negative.
    area = sum((max(i.amount * _open_days(i.issue_date, start, as_of)
                    - sum((part * _open_days(max(paid_at, i.issue_date), start, as_of)
                           for paid_at, part in i.payments), ZERO), ZERO)
                for i in invoices), ZERO)
    utilization = _rate(area / WINDOW_DAYS / credit_limit) if credit_limit > 0 else Decimal(0)
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


def move_tier(tier: str, steps: int, ladder: Sequence[str]) -> str:
    """``steps`` up (positive, toward ladder[0]) or down, not beyond either end."""
    if tier not in ladder:
        return tier
    index = min(max(ladder.index(tier) - steps, 0), len(ladder) - 1)
    return ladder[index]


def propose(ruleset: RuleSet, matched: Iterable[str], facts: Mapping[str, Any],
            ladder: Sequence[str]) -> Proposal:
    """The proposal of the first matched rule (``RuleSet.first_match``), else the otherwise."""
    rule = ruleset.first_match(matched)
    limit: Decimal = facts["customer"]["credit_limit"]
    tier: str = facts["customer"]["tier"]
    if rule is None:
        return Proposal("", "", "keep", limit, tier, {})
    then = rule.then
    change = Decimal(str(then["limit_change_percent"]))
    message = {lang: render_template(text, ruleset.vocabulary, facts)
               for lang, text in then["message"].items()}
    return Proposal(rule.name, str(then["code"]), str(then["action"]),
                    quantize(limit * (HUNDRED + change) / HUNDRED),
                    move_tier(tier, int(then["tier_steps"]), ladder), message)
