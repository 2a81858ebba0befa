"""The published receivable_classes rule set as a classifier of invoices (账龄分类, 坏账准备)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from policy_service.domain.aging import Classifier
from policy_service.language.compiler import encode_facts
from policy_service.services.rules.registry import ActiveRuleSet, RuleSetRegistry
from policy_service.services.unit_of_work import UnitOfWork

RULESET = "receivable_classes"


def active_classifier(registry: RuleSetRegistry, active: ActiveRuleSet) -> Classifier:
    """A classifier evaluating ``active`` in the registry's engine (once per distinct facts)."""
    ruleset = active.compiled.ruleset
    return Classifier(ruleset, lambda facts: registry.engine.evaluate(
        active.name, encode_facts(ruleset.vocabulary, facts)))


def receivable_classifier(registry: RuleSetRegistry, session: Session) -> Classifier:
    """A classifier over the newest published receivable_classes version."""
    return active_classifier(registry, registry.current(session, RULESET))


def current_classifier(uow: UnitOfWork, registry: RuleSetRegistry) -> Classifier:
    """The same, in a unit of work of its own (for callers holding no session)."""
    with uow:
        return receivable_classifier(registry, uow.session)
