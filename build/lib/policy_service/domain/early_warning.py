"""Early warning (预警): the facts of the ``early_warning`` vocabulary and the alerts rules raise.

Pure arithmetic over a customer's figures; the daily run (services/day/warnings.py) gathers
them, asks the engine which rules match, and opens or closes alerts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from policy_service.domain.money import quantize
from policy_service.language.document import RuleSet
from policy_service.language.rendering import render_messages

RATIO = Decimal("0.0001")
MAX_UTILIZATION = Decimal(1000000)
WINDOW_DAYS = 90


@dataclass(frozen=True)
class PaidPart:
    """Principal paid on an invoice: how much, on which value date, against which due date."""

    amount: Decimal
    paid_at: date
    due_date: date


@dataclass(frozen=True)
class Figures:
    """What early warning reads of one customer on one day."""

    tier: str
    status: str
    name: str
    currency: str
    credit_limit: Decimal
    open_receivables: Decimal
    reserved_orders: Decimal
    overdue_amount: Decimal
    paid: Sequence[PaidPart]
    oldest_open_issue: date | None
    broken_plans_365d: int = 0


@dataclass(frozen=True)
class Raised:
    """An alert a matched rule asks for."""

    rule: str
    level: str
    code: str
    message: dict[str, str]


def ratio(part: Decimal, whole: Decimal, ceiling: Decimal = MAX_UTILIZATION) -> Decimal:
    """part ÷ whole to 4 places (half-up), 0 when whole is 0, at most ``ceiling``."""
    if whole <= 0:
        return Decimal("0.0000")
    return min((part / whole).quantize(RATIO, rounding=ROUND_HALF_UP), ceiling)


def weighted_days_late(paid: Iterable[PaidPart], start: date, end: date) -> Decimal:
    """Amount-weighted average days late of principal paid in (start, end]; 0 if none.

    A payment before or on its due date counts as 0 days late.
    """
    total = weighted = Decimal(0)
    for part in paid:
        if start < part.paid_at <= end and part.amount > 0:
            total += part.amount
            weighted += part.amount * max((part.paid_at - part.due_date).days, 0)
    return ratio(weighted, total, Decimal(36500)) if total else Decimal("0.0000")


def broken_within(ended: Iterable[tuple[str, date | None]], as_of: date,
                  days: int = 365) -> int:
    """How many of (status, ended_on) plans were broken in the ``days`` up to ``as_of``
    (ended after ``as_of − days``, as credit_approval's ``customer.broken_plans_365d``)."""
    since = as_of - timedelta(days=days)
    return sum(1 for status, ended_on in ended
               if status == "broken" and ended_on is not None and since < ended_on <= as_of)


def days_since_last_payment(figures: Figures, as_of: date) -> int:
    """Days since the latest value date (or the oldest open invoice's issue; 0 if neither)."""
    last = max((p.paid_at for p in figures.paid if p.paid_at <= as_of), default=None)
    since = last or figures.oldest_open_issue
    return max((as_of - since).days, 0) if since is not None else 0


def warning_facts(figures: Figures, as_of: date) -> dict[str, Any]:
    """The ``early_warning`` facts of a customer as of a day."""
    exposure = quantize(figures.open_receivables + figures.reserved_orders)
    window = timedelta(days=WINDOW_DAYS)
    return {
        "customer": {"tier": figures.tier, "status": figures.status, "name": figures.name,
                     "credit_limit": quantize(figures.credit_limit),
                     "currency": figures.currency,
                     "broken_plans_365d": figures.broken_plans_365d},
        "exposure": {"total": exposure, "utilization": ratio(exposure, figures.credit_limit)},
        "overdue": {"amount": quantize(figures.overdue_amount),
                    "share": ratio(figures.overdue_amount, figures.open_receivables,
                                   Decimal(1))},
        "payments": {
            "days_late_90d": weighted_days_late(figures.paid, as_of - window, as_of),
            "days_late_prior_90d": weighted_days_late(figures.paid, as_of - 2 * window,
                                                      as_of - window),
            "days_since_last": days_since_last_payment(figures, as_of),
        },
    }


def raised(ruleset: RuleSet, matched: Iterable[str], facts: Mapping[str, Any]) -> list[Raised]:
    """The alerts of the matched rules, their messages rendered with the facts."""
    alerts = []
    for name in sorted(set(matched)):
        then = ruleset.rule(name).then
        alerts.append(Raised(name, then["level"], then["code"],
                             render_messages(then["message"], ruleset.vocabulary, facts)))
    return alerts
