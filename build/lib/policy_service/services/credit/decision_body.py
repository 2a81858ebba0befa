"""The contract's decision body, rendered from a stored check or from the values just inserted."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from policy_service.db.models import CreditCheck
from policy_service.domain.money import to_wire
from policy_service.language.reference import explain_rules


def view(check: CreditCheck) -> dict[str, Any]:
    """The contract's decision body, with status and history, of a stored check."""
    return render(_columns(check), [_columns(event) for event in check.events])


def render(check: Mapping[str, Any], events: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The contract's decision body from a check's column values and its history."""
    status = check["status"]
    outcome = {"released": "approved", "rejected": "declined"}.get(status, check["outcome"])
    return {
        "decision_id": check["decision_id"],
        "order_id": check["order_id"],
        "customer_id": check["customer_id"],
        "amount": check["amount"],
        "currency": check["currency"],
        "outcome": outcome,
        "decided_outcome": check["outcome"],
        "conditions": check["conditions"],
        "reasons": check["reasons"],
        "remedies": check.get("remedies") or [],
        "ruleset": {"name": check["ruleset_name"], "version": check["ruleset_version"],
                    "checksum": check["ruleset_checksum"]},
        "exposure_before": check["exposure_before"],
        "reserved": check["reserved_amount"],
        "available_after": check["available_after"],
        "decided_at": check["decided_at"],
        "status": status,
        "explanation": check["explanation"],
        "history": [
            {"action": e["action"], "status": e["status"], "reserved": e["reserved_amount"],
             "actor": e["actor"], "note": e["note"], "at": e["at"]}
            for e in events
        ],
    }


def _columns(row: Any) -> dict[str, Any]:
    return {column.key: getattr(row, column.key) for column in row.__table__.columns}


def facts_to_json(facts: dict[str, Any]) -> dict[str, Any]:
    """Facts as stored: money as decimal strings so a replay is exact."""
    return {
        group: {k: to_wire(v) if isinstance(v, Decimal) else v for k, v in values.items()}
        for group, values in facts.items()
    }


def explanation_json(ruleset: Any, facts: dict[str, Any], matched: list[str]
                     ) -> list[dict[str, Any]]:
    """Threshold vs actual for every rule that matched."""
    return [
        {"rule": trace.rule, "conditions": [asdict(c) for c in trace.conditions]}
        for trace in explain_rules(ruleset, facts, matched)
    ]
