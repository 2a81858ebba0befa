"""Whole rule set documents: validation with every error located, the RuleSet value, checksum."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from policy_service.language.ast import Condition, Otherwise
from policy_service.language.checker import check_condition, check_placeholder
from policy_service.language.engine_rule import in_rule_order
from policy_service.language.errors import RuleError, located_error, too_long
from policy_service.language.errors import rule_error as _err
from policy_service.language.kinds import KINDS, RuleSetKind, unknown_keys
from policy_service.language.limits import MAX_MESSAGE_CHARS
from policy_service.language.sizes import RULE_NAME, engine_size_errors, size_errors
from policy_service.language.templates import Placeholder, TemplateError, parse_template
from policy_service.language.vocabulary import Vocabulary

MAX_PRIORITY = 1_000_000
DOCUMENT_KEYS = ("name", "description", "rules")
RULE_KEYS = ("name", "description", "priority", "when", "then")


class RuleSetInvalid(ValueError):
    """A rule set document with problems; ``errors`` lists every one, located."""

    def __init__(self, errors: list[RuleError]) -> None:
        first = errors[0] if errors else None
        summary = f"{first.rule or '(document)'} {first.field}: {first.message}" if first else ""
        super().__init__(f"{len(errors)} error(s) in rule set: {summary}")
        self.errors = errors


@dataclass(frozen=True)
class Rule:
    """One validated rule: its parsed ``when`` (an AST, or Otherwise) and its ``then``."""

    name: str
    description: str
    priority: int
    source: str
    when: Condition
    then: Mapping[str, Any]

    @property
    def is_otherwise(self) -> bool:
        """True for the rule whose ``when`` is ``otherwise``."""
        return isinstance(self.when, Otherwise)


@dataclass(frozen=True)
class RuleSet:
    """A validated rule set of one kind, as a value."""

    name: str
    description: str
    kind: str
    vocabulary: Vocabulary
    rules: tuple[Rule, ...]
    document: Mapping[str, Any]
    checksum: str

    @property
    def otherwise(self) -> Rule | None:
        """The otherwise rule, if the set has one."""
        return next((r for r in self.rules if r.is_otherwise), None)

    @property
    def conditional_rules(self) -> tuple[Rule, ...]:
        """Every rule except the otherwise rule, in document order."""
        return tuple(r for r in self.rules if not r.is_otherwise)

    @cached_property
    def ordered_rules(self) -> tuple[Rule, ...]:
        """Every rule except the otherwise rule, in the rule order (``in_rule_order``)."""
        return tuple(in_rule_order(self.conditional_rules))

    def all_matches(self, matched: Iterable[str]) -> tuple[Rule, ...]:
        """The matched (non-otherwise) rules in the rule order; unknown names are ignored."""
        names = set(matched)
        return tuple(r for r in self.ordered_rules if r.name in names)

    def first_match(self, matched: Iterable[str]) -> Rule | None:
        """The first matched rule in the rule order, else the otherwise rule (or None)."""
        return next(iter(self.all_matches(matched)), self.otherwise)

    def rule(self, name: str) -> Rule:
        """The rule called ``name`` (KeyError if absent)."""
        for rule in self.rules:
            if rule.name == name:
                return rule
        raise KeyError(name)


def checksum(document: Mapping[str, Any]) -> str:
    """sha256 hex of the canonical JSON of a document."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()



def _template_errors(rule: str, field: str, text: str, vocab: Vocabulary) -> list[RuleError]:
    if len(text) > MAX_MESSAGE_CHARS:
        return [too_long(rule, field, text, MAX_MESSAGE_CHARS, "a message")]
    try:
        segments = parse_template(text)
    except TemplateError as exc:
        return [located_error(rule, field, exc)]
    errors: list[RuleError] = []
    for segment in segments:
        if isinstance(segment, Placeholder):
            errors += check_placeholder(segment.source, vocab, rule=rule, field=field,
                                        line=segment.line, column=segment.column)[1]
    return errors


def _rule(index: int, raw: Any, kind: RuleSetKind,
          errors: list[RuleError]) -> Rule | None:
    if not isinstance(raw, Mapping):
        errors.append(_err(f"rules[{index}]", "", "a rule must be an object"))
        return None
    # The rule's values are unchecked JSON until the checks below have passed.
    name: Any = raw.get("name")
    valid_name = isinstance(name, str) and RULE_NAME.match(name) is not None
    label = str(name) if valid_name else f"rules[{index}]"
    found = unknown_keys(label, "", raw, RULE_KEYS)
    if not valid_name:
        found.append(_err(label, "name", "missing name" if name is None else
                          f"rule name must be lower_snake_case, got {name!r}", "e.g. over_limit"))
    description = raw.get("description", "")
    if not isinstance(description, str):
        found.append(_err(label, "description", "description must be a text", "a text"))
    priority: Any = raw.get("priority")
    if isinstance(priority, bool) or not isinstance(priority, int) \
            or not 0 <= priority <= MAX_PRIORITY:
        what = "missing priority" if priority is None else \
            f"priority must be a whole number from 0 to {MAX_PRIORITY}, got {priority!r}"
        found.append(_err(label, "priority", what, "e.g. 50"))
    source = raw.get("when")
    node: Condition | None = None
    if not isinstance(source, str):
        found.append(_err(label, "when", "missing when" if source is None else
                          "when must be a text", "an expression or otherwise"))
    else:
        node, when_errors = check_condition(source, kind.vocabulary, rule=label)
        found += when_errors
    then: Any = raw.get("then")
    if then is None:
        found.append(_err(label, "then", "missing then", "an object"))
    else:
        found += kind.validate_then(label, then)
        if isinstance(then, Mapping):
            for field, text in kind.templates(then):
                found += _template_errors(label, field, text, kind.vocabulary)
    errors += found
    if found or node is None:
        return None
    return Rule(str(name), str(description), int(priority), str(source), node,
                copy.deepcopy(dict(then)))


def _header(document: Mapping[str, Any], kind_name: str | None,
            errors: list[RuleError]) -> RuleSetKind | None:
    errors += unknown_keys("", "", document, DOCUMENT_KEYS)
    name = document.get("name")
    if not isinstance(name, str):
        errors.append(_err("", "name", "missing rule set name", " | ".join(KINDS)))
    elif kind_name is not None and name != kind_name:
        errors.append(_err("", "name", f"expected a {kind_name} rule set, got {name!r}",
                           kind_name))
    if not isinstance(document.get("description", ""), str):
        errors.append(_err("", "description", "description must be a text", "a text"))
    wanted = kind_name or name
    if isinstance(wanted, str) and wanted not in KINDS:
        errors.append(_err("", "name", f"unknown rule set kind {wanted!r}", " | ".join(KINDS)))
        return None
    return KINDS[wanted] if isinstance(wanted, str) else None


def _otherwise_errors(kind: RuleSetKind, otherwise: str | None) -> list[RuleError]:
    """The kind's policy on an otherwise rule, checked against the one found (if any)."""
    if kind.otherwise == "required" and otherwise is None:
        return [_err("", "rules", f"a {kind.name} rule set needs an otherwise rule, so that "
                     "every case gets an answer", '"when": "otherwise"')]
    if kind.otherwise == "forbidden" and otherwise is not None:
        return [_err(otherwise, "when", f"a {kind.name} rule set takes no otherwise rule",
                     "an expression")]
    return []


def load_ruleset(document: Any, kind: str | None = None) -> RuleSet:
    """Validate a rule set document (of ``kind``, default its own name) into a RuleSet."""
    if not isinstance(document, Mapping):
        raise RuleSetInvalid([_err("", "", "a rule set must be a JSON object", "{...}")])
    if too_big := size_errors(document):
        raise RuleSetInvalid(too_big)
    errors: list[RuleError] = []
    rule_kind = _header(document, kind, errors)
    raw_rules = document.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        errors.append(_err("", "rules", "rules must be a non-empty list", "[{...}]"))
        raw_rules = []
    rules: list[Rule] = []
    names: set[str] = set()
    otherwise: str | None = None
    for index, raw in enumerate(raw_rules):
        name = raw.get("name") if isinstance(raw, Mapping) else None
        if isinstance(name, str) and name in names:
            errors.append(_err(name, "name", f"duplicate rule name {name!r}", "a unique name"))
        names.add(str(name))
        if isinstance(raw, Mapping) and isinstance(raw.get("when"), str) \
                and raw["when"].strip() == "otherwise":
            if otherwise is not None:
                errors.append(_err(str(name), "when", "only one rule may be 'otherwise'; "
                                   f"{otherwise!r} already is", "an expression"))
            otherwise = str(name)
        if rule_kind is not None:
            rule = _rule(index, raw, rule_kind, errors)
            if rule is not None:
                rules.append(rule)
    if rule_kind is not None:
        errors += _otherwise_errors(rule_kind, otherwise)
    errors += engine_size_errors([(rule.name, rule.when) for rule in rules])
    if errors or rule_kind is None:
        raise RuleSetInvalid(errors)
    return RuleSet(str(document["name"]), str(document.get("description", "")), rule_kind.name,
                   rule_kind.vocabulary, tuple(rules), copy.deepcopy(dict(document)),
                   checksum(document))


def load_ruleset_file(path: str | Path, kind: str | None = None) -> RuleSet:
    """Read a JSON rule set file and validate it."""
    with open(path, encoding="utf-8") as handle:
        return load_ruleset(json.load(handle), kind)
