"""What a day's run knows before it starts: the date, the active rule sets, their verdicts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from policy_service.domain import blacklist, escalation, penalty
from policy_service.domain.aging import Classifier
from policy_service.domain.escalation import Step
from policy_service.domain.penalty import PenaltyTerms
from policy_service.engine import RuleEngine
from policy_service.language.compiler import encode_facts
from policy_service.language.document import RuleSet
from policy_service.language.thresholds import KeyPart, key_parts, memo_key
from policy_service.services.day.reviews import ReviewContext
from policy_service.services.rules.registry import ActiveRuleSet

HISTORY_DAYS = 400  # at least: longer when a blacklist_watch window reaches further back


def condition_paths(ruleset: RuleSet) -> tuple[tuple[str, str], ...]:
    """(group, field) of every fact the rule set's conditions read, sorted."""
    return tuple((part.group, part.key) for part in key_parts(ruleset))


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
    warning: ActiveRuleSet | None = None  # early_warning (None: not evaluated)
    grace_days: dict[str, int] = field(default_factory=dict)  # by tier: the tier row's
    counts: Counter[str] = field(default_factory=Counter)
    memo: dict[tuple[Any, ...], list[str]] = field(default_factory=dict)
    parts: dict[str, tuple[KeyPart, ...]] = field(default_factory=dict)
    terms: dict[tuple[tuple[str, ...], int], PenaltyTerms | None] = field(default_factory=dict)
    steps: dict[tuple[str, ...], list[Step]] = field(default_factory=dict)
    classify: Classifier = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # The run's receivable classes, memoised per (days past due, written off).
        self.classify = Classifier(self.classes.compiled.ruleset,
                                   lambda facts: self.matched(self.classes, facts))

    def matched(self, active: ActiveRuleSet, facts: dict[str, Any]) -> list[str]:
        """The engine's matched rules, memoised within the run per value of the facts read.

        The engine's answer depends only on the facts the conditions name, and of a number
        compared only with literals only on its side of each (``language.thresholds``), so
        facts that agree on those (e.g. escalation: where the days from due and the
        outstanding fall; penalty: tier) share one evaluation. The first facts of each key
        are encoded (and so validated) in full; a value that could not be encoded exactly
        keys by itself.
        """
        parts = self.parts.get(active.name)
        if parts is None:
            parts = self.parts[active.name] = key_parts(active.compiled.ruleset)
        try:
            key = (active.name, *memo_key(parts, facts))
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
