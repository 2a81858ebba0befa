"""Aging buckets and receivable classes with provisions (账龄分析, 坏账准备).

The buckets are the report's fixed columns. Which class an invoice is in and the class's
provision percent come from the published ``receivable_classes`` rule set: the first
matched rule in the rule order, else its otherwise rule. The class names are fixed (they
are the API's values); the days and percents are data.

Written-off invoices, one treatment everywhere (policy.md, "Write-off and recovery"):
writing an invoice off moves it out of receivables into bad debt at 100% provision. So a
written-off invoice's remaining outstanding is in no aging bucket (the buckets are
receivables: the credit view, the report, the dashboard and the daily snapshot agree), but
it is in its class (``write_off`` with the shipped rules) and in the provision. Paid and
fully settled invoices count nowhere. ``AgingTotals`` is that rule; the one SQL
aggregation feeding it is ``services/receivables/aging.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from policy_service.domain.account_facts import class_facts
from policy_service.domain.codes import AGING_BUCKETS, RECEIVABLE_CLASSES
from policy_service.domain.money import quantize, quantize_to

if TYPE_CHECKING:
    from policy_service.language.document import RuleSet

BUCKETS = AGING_BUCKETS
CLASSES = RECEIVABLE_CLASSES
ZERO = Decimal("0.00")

Matcher = Callable[[dict[str, Any]], Iterable[str]]


def bucket(days_past_due: int) -> str:
    """The aging bucket of a number of days past due."""
    if days_past_due <= 0:
        return "not_due"
    if days_past_due <= 30:
        return "1-30"
    if days_past_due <= 60:
        return "31-60"
    return "61-90" if days_past_due <= 90 else "91+"


@dataclass(frozen=True)
class ReceivableClass:
    """The class a rule gives: its name, provision percent and label in zh and en."""

    rule: str
    name: str
    provision_percent: Decimal
    message: Mapping[str, str]

    def provision(self, amount: Decimal, currency: str | None = None) -> Decimal:
        """The provision for an open amount of this class, half-up to ``currency``'s minor
        unit (whole yen for JPY; cents when no currency is named, as in the rule cases)."""
        exact = amount * self.provision_percent / 100
        return quantize(exact) if currency is None else quantize_to(exact, currency)


def class_of(ruleset: RuleSet, matched: Iterable[str]) -> ReceivableClass:
    """The class of the first matched rule (``RuleSet.first_match``), else of the otherwise."""
    rule = ruleset.first_match(matched)
    if rule is None:  # the kind requires an otherwise rule; a hand-built set may lack one
        raise ValueError(f"rule set {ruleset.name} gives no class and has no otherwise rule")
    then = rule.then
    return ReceivableClass(rule.name, str(then["class"]),
                           Decimal(str(then["provision_percent"])), dict(then["message"]))


class Classifier:
    """Classes of invoices by (days past due, written off), one evaluation per distinct pair.

    ``matcher`` evaluates the rule set for facts of its vocabulary (the engine, or the
    reference evaluator). The vocabulary has just these two facts, so the memo is exact.
    """

    def __init__(self, ruleset: RuleSet, matcher: Matcher) -> None:
        self.ruleset = ruleset
        self._matcher = matcher
        self._memo: dict[tuple[int, bool], ReceivableClass] = {}

    def __call__(self, days_past_due: int, written_off: bool = False) -> ReceivableClass:
        """The class of an invoice so many days past due (written off or not)."""
        key = (days_past_due, written_off)
        found = self._memo.get(key)
        if found is None:
            matched = self._matcher(class_facts(days_past_due, written_off))
            found = self._memo[key] = class_of(self.ruleset, matched)
        return found


class AgingTotals:
    """Open amounts per bucket and per class with provisions, accumulated amount by amount.

    Without ``classify`` only the buckets are kept (the credit view). Provisions are
    rounded in ``currency`` (one customer's, or one currency's total: never mixed).
    """

    def __init__(self, classify: Callable[[int, bool], ReceivableClass] | None = None,
                 currency: str | None = None) -> None:
        self.classify = classify
        self.currency = currency
        self.buckets = dict.fromkeys(BUCKETS, ZERO)
        self.classes = dict.fromkeys(CLASSES, ZERO)
        self.provisions = dict.fromkeys(CLASSES, ZERO)

    def add(self, outstanding: Decimal, days_past_due: int, written_off: bool = False) -> None:
        """Count an outstanding amount so many days past due (written off: bad debt, no bucket)."""
        if outstanding <= 0:
            return
        if not written_off:
            self.buckets[bucket(days_past_due)] += outstanding
        if self.classify is not None:
            klass = self.classify(days_past_due, written_off)
            self.classes[klass.name] += outstanding
            self.provisions[klass.name] += klass.provision(outstanding, self.currency)

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
