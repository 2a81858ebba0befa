"""The worklist's next dunning step: the first day ahead on which an invoice reaches a step
not yet done, found from the escalation rules' day thresholds instead of day by day.

Of the facts the escalation rules read, only ``invoice.days_from_due`` changes with the
day probed (escalation_facts of the same invoice and customer on another date). When the
rules compare it only with literals (``invoice.days_from_due >= 30``), their answer is
the same on every day between two thresholds (``language.thresholds``), so only the first
day and the days a threshold is crossed need evaluating: a handful instead of up to
121 per invoice. Answers are memoised per key of the facts the rules read, as the day's
run does, so invoices in the same position share one evaluation. When the day count is
read any other way the walk goes day by day, as it always did.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from policy_service.db.models import Customer, Invoice
from policy_service.domain.account_facts import escalation_facts
from policy_service.domain.escalation import Step, due_steps
from policy_service.language.document import RuleSet
from policy_service.language.reference import matching_rules
from policy_service.language.thresholds import KeyPart, key_parts, memo_key

PROBE_DAYS = 120  # how far ahead the next step is looked for
PROBED_INVOICES = 5  # the oldest overdue invoices of a customer probed for it
DAYS = ("invoice", "days_from_due")


def crossings(part: KeyPart | None) -> tuple[int, ...] | None:
    """The day counts on which the rules' answer may change (the first day on the other
    side of each literal), or None when the day count is read other than against literals
    (every day may differ)."""
    if part is None:
        return ()
    if part.thresholds is None:
        return None
    days: set[int] = set()
    for threshold, split in part.thresholds:
        if split in ("ge", "eq"):  # the side of ">= t" changes at the first integer >= t
            days.add(math.ceil(threshold))
        if split in ("gt", "eq"):  # the side of "> t" changes at the first integer > t
            days.add(math.floor(threshold) + 1)
    return tuple(sorted(days))


class NextStep:
    """One worklist's finder over the published escalation rule set (memo included)."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.parts = key_parts(ruleset)
        days = next((p for p in self.parts if (p.group, p.key) == DAYS), None)
        self.crossings = crossings(days)
        self.memo: dict[tuple[Any, ...], list[Step]] = {}

    def steps(self, facts: dict[str, Any]) -> list[Step]:
        """The steps these facts match, least to most advanced (memoised by key)."""
        try:
            key = memo_key(self.parts, facts)
            found = self.memo.get(key)
        except (KeyError, TypeError):
            return due_steps(self.ruleset, matching_rules(self.ruleset, facts))
        if found is None:
            found = self.memo[key] = due_steps(self.ruleset,
                                               matching_rules(self.ruleset, facts))
        return found

    def days_ahead(self, invoice: Invoice, today: date) -> Iterable[int]:
        """The days ahead (0..PROBE_DAYS) worth evaluating for this invoice, in order."""
        if self.crossings is None:
            return range(0, PROBE_DAYS + 1)
        now = (today - invoice.due_date).days
        return [0, *(d - now for d in self.crossings if now < d <= now + PROBE_DAYS)]

    def find(self, customer: Customer, probe: Iterable[Invoice], done: dict[str, set[str]],
             today: date) -> dict[str, Any] | None:
        """The first dunning step not yet done that one of the invoices reaches, and when;
        on a tie the earlier invoice's most advanced new step."""
        best: tuple[date, str] | None = None
        for invoice in probe:
            finished = done.get(invoice.id, set())
            for ahead in self.days_ahead(invoice, today):
                on = today + timedelta(days=ahead)
                if best is not None and on >= best[0]:
                    break
                facts = escalation_facts(customer, invoice, on, None)
                new = [s for s in self.steps(facts) if s.rule not in finished]
                if new:
                    best = (on, new[-1].step)
                    break
        return None if best is None else {"step": best[1], "on": best[0]}
