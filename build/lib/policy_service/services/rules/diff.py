"""Rule-by-rule differences between rule set documents, versions and drafts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from policy_service.db.models_lifecycle import RuleDraft
from policy_service.services.errors import NotFound
from policy_service.services.rules import registry
from policy_service.services.unit_of_work import UnitOfWork

RULE_FIELDS = ("description", "priority", "when")


def flatten(value: Any, prefix: str) -> dict[str, Any]:
    """Nested objects as dotted paths ("then.message.en"); lists and scalars are leaves."""
    if not isinstance(value, Mapping):
        return {prefix: value}
    flat: dict[str, Any] = {}
    for key, item in value.items():
        flat.update(flatten(item, f"{prefix}.{key}"))
    return flat


def rule_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields of one rule that differ, each as {"old", "new"} (None where absent)."""
    before: dict[str, Any] = {f: old.get(f) for f in RULE_FIELDS}
    after: dict[str, Any] = {f: new.get(f) for f in RULE_FIELDS}
    before.update(flatten(old.get("then", {}), "then"))
    after.update(flatten(new.get("then", {}), "then"))
    changes = {}
    for field in sorted(before.keys() | after.keys(), key=_field_order):
        if before.get(field) != after.get(field):
            changes[field] = {"old": before.get(field), "new": after.get(field)}
    return changes


def _field_order(field: str) -> tuple[int, str]:
    return (RULE_FIELDS.index(field) if field in RULE_FIELDS else len(RULE_FIELDS), field)


def _rules(document: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {str(rule.get("name")): rule for rule in document.get("rules", [])
            if isinstance(rule, Mapping)}


def diff_documents(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """What changed from `old` to `new`: added, removed and changed rules, and the description.

    Rules are matched by name; `changed` lists each changed field with its old and new
    value; `unchanged` names the rules that are identical.
    """
    old_rules, new_rules = _rules(old), _rules(new)
    changed, unchanged = [], []
    for name, rule in new_rules.items():
        if name not in old_rules:
            continue
        fields = rule_changes(old_rules[name], rule)
        if fields:
            changed.append({"rule": name, "fields": fields})
        else:
            unchanged.append(name)
    description = None
    if old.get("description", "") != new.get("description", ""):
        description = {"old": old.get("description", ""), "new": new.get("description", "")}
    return {
        "description": description,
        "added": [dict(rule) for name, rule in new_rules.items() if name not in old_rules],
        "removed": [dict(rule) for name, rule in old_rules.items() if name not in new_rules],
        "changed": changed,
        "unchanged": unchanged,
        "identical": description is None and not changed
        and old_rules.keys() == new_rules.keys(),
    }


def diff_versions(uow: UnitOfWork, name: str, old: int, new: int) -> dict[str, Any]:
    """What changed, rule by rule, from version `old` to version `new`."""
    with uow:
        before = registry.get_version(uow.session, name, old)
        after = registry.get_version(uow.session, name, new)
    return {"name": name, "from": {"version": old}, "to": {"version": new},
            **diff_documents(before.document, after.document)}


def diff_draft(uow: UnitOfWork, name: str, draft_id: int) -> dict[str, Any]:
    """What a draft changes against the published version (what approving it would do)."""
    with uow:
        draft = uow.session.get(RuleDraft, draft_id)
        if draft is None or draft.ruleset_name != name:
            raise NotFound(f"unknown draft {draft_id} of rule set {name!r}")
        published = registry.get_version(uow.session, name)
    return {"name": name, "from": {"version": published.version},
            "to": {"draft_id": draft_id}, **diff_documents(published.document, draft.document)}
