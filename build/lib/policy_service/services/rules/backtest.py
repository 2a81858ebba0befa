"""What a draft would decide: its test cases, and a replay of recorded credit checks.

The cases of every kind are checked by ``domain/case_checks.py``. Both replay sides use
the reference evaluator and `combine`, so nothing here touches the engine or what a worker
serves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from policy_service.db.models import CreditCheck, Customer
from policy_service.language.cases import typed_facts
from policy_service.language.document import RuleSet, load_ruleset
from policy_service.language.vocabulary import FactsInvalid
from policy_service.services.errors import Invalid
from policy_service.services.rules import registry
from policy_service.services.rules.cases import decide, draft_cases, results_of
from policy_service.services.rules.lifecycle import load_draft, log_action
from policy_service.services.unit_of_work import UnitOfWork

DEFAULT_LIMIT = 1000
MAX_LIMIT = 10000
EXAMPLES = 20


def test_draft(uow: UnitOfWork, rules_dir: Path, name: str, draft_id: int, actor: str,
               cases: list[Any] | None = None) -> dict[str, Any]:
    """Run the draft's cases (its own, else rules/NAME.cases.json) plus any given ones."""
    with uow:
        draft = load_draft(uow.session, name, draft_id)
        raw, source = draft_cases(draft, rules_dir)
        document = draft.document
    report = results_of(document, raw, source, cases)
    log_action(uow, name, draft_id, "tested", actor,
               f"{report['passed']} of {report['total']} cases passed")
    return {"draft_id": draft_id, "source": source, **report}


def backtest_draft(uow: UnitOfWork, name: str, draft_id: int, actor: str,
                   limit: int = DEFAULT_LIMIT) -> dict[str, Any]:
    """Replay recent decisions' recorded facts through the published version and the draft."""
    result = preview(uow, name, draft_id, limit)
    log_action(uow, name, draft_id, "backtested", actor,
               f"{result['changed']} of {result['replayed']} decisions change vs "
               f"v{result['published_version']}")
    return result


def preview(uow: UnitOfWork, name: str, draft_id: int,
            limit: int = DEFAULT_LIMIT) -> dict[str, Any]:
    """The backtest's report without recording that anyone ran it (the approval page)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(f"limit must be from 1 to {MAX_LIMIT}", fields={"limit": [f"1..{MAX_LIMIT}"]})
    with uow:
        draft = load_draft(uow.session, name, draft_id)
        published = registry.get_version(uow.session, name)
        rows = recorded_inputs(uow.session, name, limit)
    result = replay(rows, load_ruleset(draft.document), load_ruleset(published.document))
    result.update(draft_id=draft_id, published_version=published.version, limit=limit)
    with uow:
        names = customer_names(uow.session, result["customers"])
    result["customer_names"] = names
    for example in result["examples"]:
        example["customer_name"] = names.get(example["customer_id"], "")
    return result


def customer_names(session: Session, customer_ids: Sequence[str]) -> dict[str, str]:
    """The names of the customers whose decisions change (the report lists people's names)."""
    names: dict[str, str] = {}
    ids = list(customer_ids)
    for start in range(0, len(ids), 500):
        names.update((row.id, row.name) for row in session.execute(
            select(Customer.id, Customer.name).where(Customer.id.in_(ids[start:start + 500]))))
    return names


def recorded_inputs(session: Session, name: str, limit: int) -> list[Row[Any]]:
    """The newest `limit` decisions of a rule set: ids, recorded facts and outcome."""
    return list(session.execute(
        select(CreditCheck.decision_id, CreditCheck.order_id, CreditCheck.customer_id,
               CreditCheck.facts,
               CreditCheck.outcome, CreditCheck.ruleset_version)
        .where(CreditCheck.ruleset_name == name)
        .order_by(CreditCheck.decided_at.desc(), CreditCheck.decision_id).limit(limit)
    ))


def replay(rows: Sequence[Row[Any]], draft: RuleSet, published: RuleSet) -> dict[str, Any]:
    """Each recorded input through both sets: how many change, by outcome, with examples.

    The draft's messages and explanations are rendered as a decision would (a draft that
    fails on a recorded input fails its backtest); the published side only gives codes."""
    published = _without_messages(published)
    by_outcome: Counter[str] = Counter()
    examples: list[dict[str, Any]] = []
    replayed = skipped = 0
    customers: set[str] = set()
    for row in rows:
        try:
            facts = typed_facts(draft.vocabulary, row.facts)
        except FactsInvalid:
            skipped += 1
            continue
        before = decide(published, facts)
        try:
            after = decide(draft, facts)
        except (ArithmeticError, ValueError, TypeError) as exc:
            raise Invalid(f"the draft fails on recorded decision {row.decision_id} as a credit "
                          f"check would: {exc}") from exc
        replayed += 1
        if _summary(before) == _summary(after):
            continue
        by_outcome[f"{before.get('outcome')}→{after.get('outcome')}"] += 1
        customers.add(str(row.customer_id))
        if len(examples) < EXAMPLES:
            examples.append({
                "decision_id": row.decision_id, "order_id": row.order_id,
                "customer_id": row.customer_id,
                "recorded": {"outcome": row.outcome, "version": row.ruleset_version},
                "from": before.get("outcome"), "to": after.get("outcome"),
                "reasons_from": before.get("codes"), "reasons_to": after.get("codes"),
                "conditions_from": before.get("conditions"),
                "conditions_to": after.get("conditions"),
            })
    changed = sum(by_outcome.values())
    return {"replayed": replayed, "skipped": skipped, "changed": changed,
            "outcome_changed": sum(n for k, n in by_outcome.items()
                                   if k.split("→")[0] != k.split("→")[1]),
            "by_outcome": dict(by_outcome), "examples": examples,
            "customers": sorted(customers)}


def _without_messages(ruleset: RuleSet) -> RuleSet:
    """The same rules with no message templates: the serving side is compared by codes."""
    return replace(ruleset, rules=tuple(
        replace(rule, then={**rule.then, "message": {}}) if "message" in rule.then else rule
        for rule in ruleset.rules))


def _summary(result: Mapping[str, Any]) -> tuple[Any, ...]:
    return (result.get("outcome"), result.get("codes"), result.get("conditions"),
            result.get("matched"))
