"""Blacklist candidates (黑名单候选) from the blacklist_watch rule set.

Each rule's ``when`` says which invoices count (e.g. ``invoice.days_late > 30``); its
``then`` says how many such invoices (``min_invoices``) due within how many days up to
today (``window_days``) make the customer a candidate. The first rule in the rule order
whose count is reached flags the customer; a risk manager decides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from policy_service.domain.account_facts import watch_facts
from policy_service.domain.review import InvoiceHistory
from policy_service.language.document import RuleSet

Matcher = Callable[[dict[str, Any]], Iterable[str]]


@dataclass(frozen=True)
class Watch:
    """One rule: at least ``min_invoices`` matching invoices due in the last ``window_days``."""

    rule: str
    min_invoices: int
    window_days: int

    def covers(self, due_date: date, as_of: date) -> bool:
        """Due within the window up to and including ``as_of``."""
        return as_of - timedelta(days=self.window_days) < due_date <= as_of


@dataclass(frozen=True)
class Flag:
    """Why a customer is a candidate: the rule and how many of its invoices counted."""

    rule: str
    late_invoices: int
    evidence: tuple[str, ...] = ()  # the late invoices that counted


def watches(ruleset: RuleSet) -> tuple[Watch, ...]:
    """The rule set's watches in the rule order (``RuleSet.ordered_rules``)."""
    return tuple(Watch(r.name, int(r.then["min_invoices"]), int(r.then["window_days"]))
                 for r in ruleset.ordered_rules)


def longest_window(ruleset: RuleSet) -> int:
    """The most days back any rule looks."""
    return max((w.window_days for w in watches(ruleset)), default=0)


def flag(ruleset: RuleSet, invoices: Sequence[InvoiceHistory], currency: str,
         customer: Mapping[str, Any], as_of: date, matched: Matcher,
         dismissed: frozenset[str] = frozenset()) -> Flag | None:
    """The first watch whose count is reached, with the count; None if none is.

    ``currency`` is the customer's (its invoices are all in it); ``customer`` is the
    tier/status group of the facts. Only invoices due within the longest window are
    evaluated. ``dismissed`` is the evidence of candidates a risk manager dismissed: a
    watch flags again only when a late invoice outside it helps reach the count.
    """
    rules = watches(ruleset)
    if not rules:
        return None
    longest = max(w.window_days for w in rules)
    counts = dict.fromkeys((w.rule for w in rules), 0)
    evidence: dict[str, list[str]] = {w.rule: [] for w in rules}
    for invoice in invoices:
        if not as_of - timedelta(days=longest) < invoice.due_date <= as_of:
            continue
        names = set(matched(watch_facts(invoice, currency, customer, as_of)))
        for watch in rules:
            if watch.rule in names and watch.covers(invoice.due_date, as_of):
                counts[watch.rule] += 1
                evidence[watch.rule].append(invoice.invoice_id)
    for watch in rules:
        if (counts[watch.rule] >= watch.min_invoices
                and not set(evidence[watch.rule]) <= dismissed):
            return Flag(watch.rule, counts[watch.rule], tuple(evidence[watch.rule]))
    return None
