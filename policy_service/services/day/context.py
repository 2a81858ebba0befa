"""What a day's run knows before it starts: the date, the active rule sets, their verdicts."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from policy_service.domain import blacklist, escalation, penalty
from policy_service.domain.aging import Classifier
from policy_service.domain.escalation import Step
from policy_service.domain.penalty import PenaltyTerms
from policy_service.engine import RuleEngine
from policy_service.language.ast import Name, Node
from policy_service.language.compiler import encode_facts
from policy_service.language.document import RuleSet
from policy_service.services.day.reviews import ReviewContext
from policy_service.services.rules.registry import ActiveRuleSet

HISTORY_DAYS = 400  # at least: longer when a blacklist_watch window reaches further back


def _names(node: Any) -> Iterator[str]:
    """Every vocabulary name a condition reads."""
    if isinstance(node, Name):
        yield node.name
    elif isinstance(node, Node):
        for f in dataclasses.fields(node):
            yield from _names(getattr(node, f.name))
    elif isinstance(node, tuple):
        for item in node:
            yield from _names(item)


def condition_paths(ruleset: RuleSet) -> tuple[tuple[str, str], ...]:
    """(group, field) of every fact the rule set's conditions read, sorted."""
    names = {n for rule in ruleset.conditional_rules for n in _names(rule.when)}
    paths = []
    for name in sorted(names):
        group, _, key = name.partition(".")
        paths.append((group, key))
    return tuple(paths)


@dataclass
class RunContext:
    """What every batch of one run shares: the date, the rule set versions, the engine."""

    as_of: date
    backdated: bool
    engine: RuleEngine
    penalty: ActiveRuleSet
    escalation: ActiveRuleSet
    review: ReviewContext
    classes: ActiveRuleSet
    watch: ActiveRuleSet
    grace_days: dict[str, int] = field(default_factory=dict)  # by tier: the tier row's
    counts: Counter[str] = field(default_factory=Counter)
    memo: dict[tuple[Any, ...], list[str]] = field(default_factory=dict)
    paths: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    terms: dict[tuple[tuple[str, ...], int], PenaltyTerms | None] = field(default_factory=dict)
    steps: dict[tuple[str, ...], list[Step]] = field(default_factory=dict)
    classify: Classifier = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # The run's receivable classes, memoised per (days past due, written off).
        self.classify = Classifier(self.classes.compiled.ruleset,
                                   lambda facts: self.matched(self.classes, facts))

    def matched(self, active: ActiveRuleSet, facts: dict[str, Any]) -> list[str]:
        """The engine's matched rules, memoised within the run per value of the facts read.

        The engine's answer depends only on the facts the conditions name, so facts that
        agree on those (e.g. escalation: days from due; penalty: tier) share one evaluation.
        The first facts of each key are encoded (and so validated) in full.
        """
        paths = self.paths.get(active.name)
        if paths is None:
            paths = self.paths[active.name] = condition_paths(active.compiled.ruleset)
        try:
            key = (active.name, *(facts[g][k] for g, k in paths))
            hit = self.memo.get(key)
        except (KeyError, TypeError):  # incomplete facts: the engine adapter reports them
            return self.engine.evaluate(
                active.name, encode_facts(active.compiled.ruleset.vocabulary, facts))
        if hit is None:
            encoded = encode_facts(active.compiled.ruleset.vocabulary, facts)
            hit = self.memo[key] = self.engine.evaluate(active.name, encoded)
        return hit

    @property
    def history_days(self) -> int:
        """How far back (by due date) a book's settled invoices are loaded."""
        return max(HISTORY_DAYS, blacklist.longest_window(self.watch.compiled.ruleset))

    def penalty_terms(self, facts: dict[str, Any]) -> PenaltyTerms | None:
        """The penalty terms for these facts (one choice per distinct match)."""
        matched = tuple(sorted(self.matched(self.penalty, facts)))
        key = (matched, int(facts["customer"]["grace_days"]))
        if key not in self.terms:
            self.terms[key] = penalty.choose_terms(self.penalty.compiled.ruleset, matched, facts)
        return self.terms[key]

    def due_steps(self, facts: dict[str, Any]) -> list[Step]:
        """The escalation steps these facts match, least to most advanced."""
        matched = tuple(sorted(self.matched(self.escalation, facts)))
        found = self.steps.get(matched)
        if found is None:
            found = self.steps[matched] = escalation.due_steps(
                self.escalation.compiled.ruleset, matched)
        return found
