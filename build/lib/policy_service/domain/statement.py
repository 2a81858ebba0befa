"""A statement of account (对账单): dated entries in; opening, lines with balances, closing.

The statement is one fold over entries. Every entry is a debit (it raises what the
customer owes: an invoice, a month's penalty) or a credit (it lowers it: a payment, a
waiver, a credit note, a write-off); a recovery on a written-off invoice is both, the
debt coming back onto the account and being paid at once, so the balance stays the
open receivables. Entries dated before the period make the opening balance, the ones in
it are the lines, and so opening + debits − credits = closing by construction. Whoever
gathers the entries (services/receivables/statement.py) adds a new kind of line by
adding one source of entries; nothing here changes.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from policy_service.domain.codes import STATEMENT_LINE_TYPES

ZERO = Decimal("0.00")
MAX_PERIOD_DAYS = 5 * 366  # a statement covers at most five years


@dataclass(frozen=True)
class Entry:
    """One dated movement of the account: a debit, a credit or (a recovery) both."""

    day: date
    type: str
    ref: str
    description: dict[str, str]
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    order: int = 0  # within a day: invoices first, then penalty, then what reduces it

    def __post_init__(self) -> None:
        if self.type not in STATEMENT_LINE_TYPES:
            raise ValueError(f"unknown statement line type {self.type!r}")


@dataclass(frozen=True)
class Line:
    """An entry in the period with the balance after it."""

    entry: Entry
    balance: Decimal


@dataclass
class Statement:
    """Opening balance, the period's lines and the closing balance."""

    start: date
    end: date
    opening: Decimal = ZERO
    lines: list[Line] = field(default_factory=list)

    @property
    def closing(self) -> Decimal:
        """The balance after the last line (the opening balance when there is none)."""
        return self.lines[-1].balance if self.lines else self.opening

    @property
    def debits(self) -> Decimal:
        """Σ debits of the period's lines."""
        return sum((line.entry.debit for line in self.lines), ZERO)

    @property
    def credits(self) -> Decimal:
        """Σ credits of the period's lines."""
        return sum((line.entry.credit for line in self.lines), ZERO)


def period_problem(start: date, end: date) -> str | None:
    """Why (start, end) is not a statement period, or None."""
    if start > end:
        return "from is after to"
    if (end - start).days > MAX_PERIOD_DAYS:
        return "a statement covers at most 5 years"
    return None


def month_end(day: date) -> date:
    """The last day of ``day``'s calendar month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def penalty_day(day: date, end: date) -> date:
    """The date of a month's penalty line: the month's last day, or the period's end."""
    return min(month_end(day), end)


def build(entries: Iterable[Entry], start: date, end: date) -> Statement:
    """Fold the entries: before ``start`` into the opening balance, up to ``end`` into lines."""
    statement = Statement(start, end)
    inside: list[Entry] = []
    for entry in entries:
        if entry.day < start:
            statement.opening += entry.debit - entry.credit
        elif entry.day <= end:
            inside.append(entry)
    balance = statement.opening
    for entry in sorted(inside, key=lambda e: (e.day, e.order, e.ref, e.type)):
        balance += entry.debit - entry.credit
        statement.lines.append(Line(entry, balance))
    return statement
