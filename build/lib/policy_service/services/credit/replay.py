"""A recorded credit check's remedies worked out again from what it stored.

The decision stores its facts and, when an overdue rule asked for them, the overdue
invoices its ``pay_overdue`` remedy considered (with what was to collect on each and their
days past due) under ``OVERDUE_KEY`` in the same stored input: they are not facts of the
vocabulary, and the database may have moved on since. Replaying takes the rule set version
the decision was made with, the stored facts and those invoices, and must give the remedies
the decision recorded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from policy_service.db.models import CreditCheck
from policy_service.domain.decision import combine
from policy_service.domain.money import to_wire
from policy_service.domain.remedies import OverdueInvoice, remedies
from policy_service.language.cases import typed_facts
from policy_service.language.compiler import encode_facts
from policy_service.language.document import RuleSet, load_ruleset
from policy_service.language.reference import matching_rules
from policy_service.language.vocabulary import FactsInvalid
from policy_service.services.errors import NotFound
from policy_service.services.rules import registry
from policy_service.services.unit_of_work import UnitOfWork

OVERDUE_KEY = "_overdue_invoices"
"""Where the stored input keeps the overdue invoices (no vocabulary group starts with _)."""


def invoices_to_json(invoices: Sequence[OverdueInvoice]) -> list[dict[str, Any]]:
    """The overdue invoices as stored: amounts as decimal strings, so a replay is exact."""
    return [{"invoice_id": i.invoice_id, "amount": to_wire(i.outstanding),
             "days_past_due": i.days_past_due} for i in invoices]


def invoices_from_json(raw: Sequence[Mapping[str, Any]]) -> list[OverdueInvoice]:
    """The stored overdue invoices back as the remedy sees them."""
    return [OverdueInvoice(str(i["invoice_id"]), Decimal(i["amount"]), int(i["days_past_due"]))
            for i in raw]


def stored_remedies(ruleset: RuleSet, stored: Mapping[str, Any]) -> tuple[list[dict[str, Any]],
                                                                         bool]:
    """The remedies (as in the decision body) of a stored input under ``ruleset``, and
    whether the input held everything they needed (False: an overdue rule fired but the
    decision was stored before its invoices were)."""
    raw = dict(stored)
    recorded_invoices = raw.pop(OVERDUE_KEY, None)
    try:
        facts = typed_facts(ruleset.vocabulary, raw)
        encoded = encode_facts(ruleset.vocabulary, facts)
    except FactsInvalid:  # the check held it as out of range, with no remedies
        return [], True
    matched = matching_rules(ruleset, facts)
    outcome = combine(ruleset, matched, facts).outcome
    missing: list[bool] = []

    def invoices() -> list[OverdueInvoice]:
        if recorded_invoices is None:
            missing.append(True)
            return []
        return invoices_from_json(recorded_invoices)

    found = remedies(ruleset, facts, matched, outcome, invoices, encoded)
    return [remedy.to_dict() for remedy in found], not missing


def replay_remedies(uow: UnitOfWork, decision_id: str) -> dict[str, Any]:
    """A recorded decision's remedies and those its stored input gives again."""
    with uow:
        check = uow.session.get(CreditCheck, decision_id)
        if check is None:
            raise NotFound(f"unknown credit check {decision_id!r}")
        version = registry.get_version(uow.session, check.ruleset_name, check.ruleset_version)
        ruleset = load_ruleset(version.document)
        stored, recorded = dict(check.facts), list(check.remedies)
    replayed, complete = stored_remedies(ruleset, stored)
    return {"decision_id": decision_id, "recorded": recorded, "replayed": replayed,
            "complete": complete, "same": complete and replayed == recorded}
