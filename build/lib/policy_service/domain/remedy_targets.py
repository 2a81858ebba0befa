"""Which rules each remedy lever targets, prepared once per rule set document.

A lever's *targets* are the rules that do not plainly approve and whose condition reads a
field the lever moves (``Field.lever`` in the vocabulary). Each is prepared for the lever
(``language/intervals.prepare``); a lever that enters a rule non-linearly gets no plan, and
the rule editor says so (``lever_report``).
"""

from __future__ import annotations

from typing import NamedTuple

from policy_service.domain.codes import CREDIT_OUTCOMES
from policy_service.language.ast import Expr, Otherwise
from policy_service.language.cache import BoundedCache
from policy_service.language.document import Rule, RuleSet
from policy_service.language.interval_plans import NotAnalysable, Plan, mentioned, prepare

APPROVED = CREDIT_OUTCOMES[0]
MOVED_BY_PAYMENT = ("exposure.open_receivables", "exposure.total")


def when_of(rule: Rule) -> Expr:
    """A conditional rule's condition (ValueError for the otherwise rule)."""
    if isinstance(rule.when, Otherwise):
        raise ValueError(f"{rule.name} is the otherwise rule")
    return rule.when


def rule_levers(rule: Rule, ruleset: RuleSet) -> tuple[str, ...]:
    """The levers that move a fact the rule's condition reads (none for otherwise)."""
    if rule.is_otherwise:
        return ()
    vocab = ruleset.vocabulary
    found = {vocab[name].lever for name in mentioned(when_of(rule))}
    return tuple(sorted(lever for lever in found if lever))


Targets = tuple[tuple[Rule, Plan | None], ...]
PLANS: BoundedCache[tuple[str, str], dict[str, Targets]] = BoundedCache(128)
"""Per rule set document and lever: its target rules, each prepared for the lever (None when
the lever enters it non-linearly)."""
LEVER_ORDER = ("status", "overdue", "review", "term", "order_amount")
MOVED = {"order_amount": frozenset({"order.amount"}),
         "overdue": frozenset({"overdue.amount", *MOVED_BY_PAYMENT}),
         "term": frozenset({"order.requested_term_days"})}


def _all_targets(ruleset: RuleSet) -> dict[str, Targets]:
    found: dict[str, list[tuple[Rule, Plan | None]]] = {lever: [] for lever in LEVER_ORDER}
    for rule in ruleset.ordered_rules:
        if rule.then.get("outcome") == APPROVED:
            continue
        for lever in rule_levers(rule, ruleset):
            plan: Plan | None = None
            if lever in MOVED:
                try:
                    plan = prepare(when_of(rule), ruleset.vocabulary, MOVED[lever])
                except NotAnalysable:
                    plan = None
            found.setdefault(lever, []).append((rule, plan))
    return {lever: tuple(rules) for lever, rules in found.items()}


def targets_of(ruleset: RuleSet) -> dict[str, Targets]:
    """Per lever, the rules it targets, prepared once per rule set document."""
    return PLANS.get((ruleset.checksum, ruleset.vocabulary.name),
                     lambda: _all_targets(ruleset))


class Lever(NamedTuple):
    """One lever's targets as the decision path reads them: the rules and their names in
    rule order, the plans of those it enters linearly, and whether that is all of them (a
    lever entering one target non-linearly gives no remedy)."""

    rules: tuple[Rule, ...]
    names: tuple[str, ...]
    plans: tuple[Plan, ...]
    exact: bool


_LAST: list[tuple[RuleSet, dict[str, Lever]]] = []
"""The rule set the decision path asked about last and its levers: the serving version is
the same object decision after decision, so it is found without hashing its checksum."""


def levers_of(ruleset: RuleSet) -> dict[str, Lever]:
    """Per lever, its targets (``targets_of``) laid out for the decision path."""
    last = _LAST[-1] if _LAST else None
    if last is not None and last[0] is ruleset:
        return last[1]
    levers = {}
    for lever, targets in targets_of(ruleset).items():
        plans = tuple(p for _r, p in targets if p is not None)
        levers[lever] = Lever(tuple(r for r, _p in targets), tuple(r.name for r, _p in targets),
                              plans, len(plans) == len(targets))
    _LAST[:] = [(ruleset, levers)]
    return levers


def lever_report(ruleset: RuleSet) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """For the rule editor: per rule that does not plainly approve, the levers whose remedy
    is computed exactly, and those that enter it non-linearly (no remedy); a rule with
    neither cannot tell sales what to do."""
    prepared = targets_of(ruleset)
    report = []
    for rule in ruleset.ordered_rules:
        if rule.then.get("outcome") == APPROVED:
            continue
        exact: list[str] = []
        inexact: list[str] = []
        for lever in LEVER_ORDER:
            for target, plan in prepared[lever]:
                if target.name == rule.name:
                    (inexact if lever in MOVED and plan is None else exact).append(lever)
        report.append((rule.name, tuple(exact), tuple(inexact)))
    return report
