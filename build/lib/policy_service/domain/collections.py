"""Collections arithmetic: what a dispute takes out of an invoice, how payments meet a plan.

Pure: no database, no Flask. The day's run, the credit check and the API read disputes
and plans through these functions, so they cannot disagree.

- A dispute is open on day D when it was opened on or before D and not resolved by D
  (penalty and dunning resume on the day of resolution, with no back-charge).
- The amount a dispute takes out is never more than the invoice's unpaid principal.
- A plan's instalments are settled in date order by what has been paid toward the plan:
  the total agreed less what the covered invoices still owe.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class DisputeSpan:
    """An invoice's dispute as the arithmetic sees it."""

    amount: Decimal
    opened_on: date
    resolved_on: date | None


def disputed_on(spans: Iterable[DisputeSpan], day: date) -> Decimal:
    """The amount under open dispute on ``day``."""
    return sum((s.amount for s in spans
                if s.opened_on <= day and (s.resolved_on is None or s.resolved_on > day)), ZERO)


def disputed_part(disputed: Decimal, unpaid_principal: Decimal) -> Decimal:
    """What a dispute takes out of an invoice now: at most its unpaid principal."""
    return max(min(disputed, unpaid_principal), ZERO)


def fully_disputed(disputed: Decimal, unpaid_principal: Decimal) -> bool:
    """An invoice disputed in full: no dunning step, not overdue for stop-supply or holds."""
    return disputed > 0 and disputed >= unpaid_principal


@dataclass(frozen=True)
class Instalment:
    """One dated instalment."""

    due_date: date
    amount: Decimal


@dataclass(frozen=True)
class InstalmentState:
    """An instalment with what has been paid on it."""

    due_date: date
    amount: Decimal
    paid: Decimal

    @property
    def settled(self) -> bool:
        """Paid in full."""
        return self.paid >= self.amount


def settle(instalments: Sequence[Instalment], paid: Decimal) -> list[InstalmentState]:
    """Spread ``paid`` over the instalments in date order."""
    out = []
    left = max(paid, ZERO)
    for item in sorted(instalments, key=lambda i: i.due_date):
        share = min(item.amount, left)
        left -= share
        out.append(InstalmentState(item.due_date, item.amount, share))
    return out


def paid_toward(total: Decimal, still_owed: Decimal) -> Decimal:
    """What has been paid toward a plan: its agreed total less what its invoices still owe."""
    return max(total - still_owed, ZERO)


def days_late(states: Sequence[InstalmentState], as_of: date) -> int:
    """Days the earliest unsettled instalment is past its date (0 when none is)."""
    late = [(as_of - s.due_date).days for s in states if not s.settled]
    return max(max(late, default=0), 0)


def plan_problem(instalments: Sequence[Instalment], outstanding: Decimal) -> str | None:
    """Why instalments cannot make a plan for ``outstanding``, or None."""
    if not instalments:
        return "at least one instalment is needed"
    if any(i.amount <= 0 for i in instalments):
        return "every instalment must be more than 0"
    total = sum((i.amount for i in instalments), ZERO)
    if total != outstanding:
        return f"instalments add up to {total}, the invoices' outstanding is {outstanding}"
    return None
