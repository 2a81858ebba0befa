"""Receivable classes and provisions (账龄分析, 坏账准备) by days past due."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from policy_service.domain.money import quantize

BUCKETS = ("not_due", "1-30", "31-60", "61-90", "91+")
CLASSES = ("not_due", "in_collection", "doubtful", "bad_debt", "write_off")
PROVISION_PERCENT = {"not_due": Decimal(0), "in_collection": Decimal(5), "doubtful": Decimal(20),
                     "bad_debt": Decimal(50), "write_off": Decimal(100)}
ZERO = Decimal("0.00")


def bucket(days_past_due: int) -> str:
    """The aging bucket of a number of days past due."""
    if days_past_due <= 0:
        return "not_due"
    if days_past_due <= 30:
        return "1-30"
    if days_past_due <= 60:
        return "31-60"
    return "61-90" if days_past_due <= 90 else "91+"


def receivable_class(days_past_due: int, written_off: bool = False) -> str:
    """not_due ≤ 0, in_collection 1–30, doubtful 31–90, bad_debt 91–180, write_off beyond."""
    if written_off or days_past_due > 180:
        return "write_off"
    if days_past_due <= 0:
        return "not_due"
    if days_past_due <= 30:
        return "in_collection"
    return "doubtful" if days_past_due <= 90 else "bad_debt"


def provision(amount: Decimal, klass: str) -> Decimal:
    """The provision for an open amount of a class, half-up to cents."""
    return quantize(amount * PROVISION_PERCENT[klass] / 100)


class AgingTotals:
    """Open amounts per bucket and per class with provisions, accumulated invoice by invoice."""

    def __init__(self) -> None:
        self.buckets = dict.fromkeys(BUCKETS, ZERO)
        self.classes = dict.fromkeys(CLASSES, ZERO)
        self.provisions = dict.fromkeys(CLASSES, ZERO)

    def add(self, outstanding: Decimal, days_past_due: int, written_off: bool = False) -> None:
        """Count one invoice's open amount."""
        klass = receivable_class(days_past_due, written_off)
        self.buckets[bucket(days_past_due)] += outstanding
        self.classes[klass] += outstanding
        self.provisions[klass] += provision(outstanding, klass)

    def merge(self, others: Iterable[AgingTotals]) -> AgingTotals:
        """Add other totals into this one (returns self)."""
        for other in others:
            for key in BUCKETS:
                self.buckets[key] += other.buckets[key]
            for key in CLASSES:
                self.classes[key] += other.classes[key]
                self.provisions[key] += other.provisions[key]
        return self

    @property
    def provision_total(self) -> Decimal:
        """Sum of the provisions."""
        return sum(self.provisions.values(), ZERO)
