"""A draft decided, explained and rendered at the edges of its vocabulary, as decisions do.

The magnitude guard of ``checker`` proves that every accepted expression stays in range
for every valid fact; this is the second line: before a draft is stored or published it
is evaluated and explained (``explain_rules``, what a decision stores) and
its messages rendered (``render_template``, what a decision returns) — the very functions a
decision calls — for facts at the bounds of every field (all at +bound, all at -bound, all
zero, alternating signs, the smallest unit). Any failure is a located ``RuleError`` at
the rule and field that failed, so a draft that would fail at decision time fails here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from policy_service.language.document import RuleSet
from policy_service.language.errors import FIELD_START, RuleError
from policy_service.language.kinds import KINDS, message_templates
from policy_service.language.reference import explain_rules
from policy_service.language.rendering import render_template
from policy_service.language.vocabulary import Field, FieldType, Vocabulary

_SIGNS: dict[str, Callable[[int], int]] = {
    "every number at its upper bound": lambda index: 1,
    "every number at its lower bound": lambda index: -1,
    "every number zero": lambda index: 0,
    "numbers at alternating bounds": lambda index: 1 if index % 2 else -1,
    "numbers at the other alternating bounds": lambda index: -1 if index % 2 else 1,
}


def _value(field: Field, sign: int, flag: bool) -> Any:
    if field.type is FieldType.BOOL:
        return flag
    if field.type is FieldType.STRING:
        return field.allowed[0] if field.allowed else "x"
    bound = field.bound if field.type is FieldType.MONEY else field.bound.to_integral_value()
    if field.type is FieldType.INTEGER:
        return int(bound) * sign
    return Decimal(bound) * sign


def extreme_facts(vocab: Vocabulary) -> dict[str, dict[str, Any]]:
    """Name -> facts at the edges: every numeric field at +bound, -bound, 0 or alternating."""
    out: dict[str, dict[str, Any]] = {}
    for label, sign in _SIGNS.items():
        facts: dict[str, dict[str, Any]] = {}
        for index, name in enumerate(vocab):
            field = vocab[name]
            group, key = field.path[0], ".".join(field.path[1:])
            facts.setdefault(group, {})[key] = _value(field, sign(index), index % 2 == 0)
        out[label] = facts
    return out


def _templates(ruleset: RuleSet, then: Mapping[str, Any]) -> list[tuple[str, str]]:
    kind = KINDS.get(ruleset.kind)
    return kind.templates(then) if kind is not None else message_templates(then)


def edge_errors(ruleset: RuleSet) -> list[RuleError]:
    """Every rule that cannot be evaluated, explained or rendered at the edges, located."""
    errors: list[RuleError] = []
    for label, facts in extreme_facts(ruleset.vocabulary).items():
        for rule in ruleset.rules:
            if not rule.is_otherwise:
                try:
                    explain_rules(ruleset, facts, [rule.name])
                except Exception as exc:
                    errors.append(RuleError(rule.name, "when", *FIELD_START,
                                            f"the condition cannot be evaluated with {label}: "
                                            f"{exc}", "smaller factors"))
            for field, text in _templates(ruleset, rule.then):
                try:
                    render_template(text, ruleset.vocabulary, facts)
                except Exception as exc:
                    errors.append(RuleError(rule.name, field, *FIELD_START,
                                            f"the message cannot be shown with {label}: {exc}",
                                            "smaller factors"))
        if errors:
            return errors
    return errors
