"""The document-wide limits of a rule set (size, number of rules), checked before anything
else so that an oversized document costs nothing to refuse."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from policy_service.language.ast import (
    BoolLit,
    Compare,
    Condition,
    Membership,
    Name,
    condition_leaves,
)
from policy_service.language.errors import RuleError, too_long
from policy_service.language.errors import rule_error as _err
from policy_service.language.limits import (
    MAX_DOCUMENT_BYTES,
    MAX_EXPRESSION_CHARS,
    MAX_MESSAGE_CHARS,
    MAX_RULES,
    MAX_TESTS,
)

RULE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
"""What a rule name looks like: lower_snake_case."""


def size_errors(document: Mapping[str, Any]) -> list[RuleError]:
    """The document-wide limits: its size as compact JSON and its number of rules."""
    try:
        size = len(json.dumps(document, separators=(",", ":"), ensure_ascii=False)
                   .encode("utf-8"))
    except (TypeError, ValueError):
        size = 0  # not JSON data: the field checks say what is wrong
    rules = document.get("rules")
    if size > MAX_DOCUMENT_BYTES:
        return [_err("", "", f"a rule set may have at most {MAX_DOCUMENT_BYTES // 1024} KB of "
                     f"JSON, this one has {size // 1024} KB", "a smaller rule set"),
                *_oversized_fields(rules if isinstance(rules, list) else [])]
    if isinstance(rules, list) and len(rules) > MAX_RULES:
        return [_err("", "rules", f"a rule set may have at most {MAX_RULES} rules, this one "
                     f"has {len(rules)}", f"at most {MAX_RULES} rules")]
    return []


def _oversized_fields(rules: list[Any]) -> list[RuleError]:
    """In a document too big to validate, the rules' ``when`` and messages past their limit."""
    found: list[RuleError] = []
    for index, raw in enumerate(rules[:MAX_RULES]):
        if not isinstance(raw, Mapping):
            continue
        name = raw.get("name")
        label = name if isinstance(name, str) and RULE_NAME.match(name) else f"rules[{index}]"
        when, then = raw.get("when"), raw.get("then")
        if isinstance(when, str) and len(when) > MAX_EXPRESSION_CHARS:
            found.append(too_long(label, "when", when, MAX_EXPRESSION_CHARS, "an expression"))
        message = then.get("message") if isinstance(then, Mapping) else None
        for lang, text in message.items() if isinstance(message, Mapping) else ():
            if isinstance(text, str) and len(text) > MAX_MESSAGE_CHARS:
                found.append(too_long(label, f"then.message.{lang}", text, MAX_MESSAGE_CHARS,
                                      "a message"))
    return found


def engine_tests(node: Condition) -> int:
    """The tests the engine gets for one condition (see MAX_TESTS), counted without
    recursion."""
    count = 0
    for leaf in condition_leaves(node):
        if isinstance(leaf, Membership):
            count += len(leaf.items)
        elif isinstance(leaf, Compare | Name | BoolLit):
            count += 1
    return count


def engine_size_errors(whens: list[tuple[str, Condition]]) -> list[RuleError]:
    """An error at the rule whose condition takes the rule set past MAX_TESTS tests."""
    total = 0
    for rule, node in whens:
        total += engine_tests(node)
        if total > MAX_TESTS:
            return [_err(rule, "when", f"the rule set's conditions may hold at most {MAX_TESTS}"
                         f" tests (comparisons, yes/no fields and list values); with this rule"
                         f" they hold {total}", "fewer or shorter conditions")]
    return []
