"""Rule set kinds: each names its vocabulary, validates its rules' ``then`` and lists templates."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from policy_service.domain.codes import CREDIT_OUTCOMES
from policy_service.language.checker import ExprType, check_placeholder, type_of
from policy_service.language.errors import RuleError
from policy_service.language.errors import rule_error as _err
from policy_service.language.vocabulary import CREDIT_APPROVAL_VOCABULARY, Vocabulary

LANGUAGES = ("zh", "en")
CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")
PERCENT_PATTERN = re.compile(r"^\d{1,3}(\.\d{1,4})?$")

ThenValidator = Callable[[str, Any], list[RuleError]]
OtherwisePolicy = Literal["allowed", "required", "forbidden"]
TemplateFinder = Callable[[Mapping[str, Any]], list[tuple[str, str]]]


def message_templates(then: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The (field, template) pairs of ``then.message`` that are strings."""
    message = then.get("message")
    if not isinstance(message, Mapping):
        return []
    return [(f"then.message.{lang}", text) for lang, text in message.items()
            if isinstance(text, str)]


@dataclass(frozen=True)
class RuleSetKind:
    """What a kind of rule set may say: its vocabulary, its ``then`` and its message templates.

    ``otherwise`` says whether a set of this kind may (``allowed``), must (``required``: every
    fact gets an answer) or must not (``forbidden``: "no rule matched" means nothing) have an
    otherwise rule.
    """

    name: str
    vocabulary: Vocabulary
    validate_then: ThenValidator
    templates: TemplateFinder = message_templates
    otherwise: OtherwisePolicy = "allowed"


KINDS: dict[str, RuleSetKind] = {}


def register_kind(kind: RuleSetKind) -> RuleSetKind:
    """Make a kind known to document validation (replacing one of the same name)."""
    KINDS[kind.name] = kind
    return kind


def get_kind(name: str) -> RuleSetKind:
    """The registered kind called ``name`` (KeyError if there is none)."""
    return KINDS[name]



def validate_message(rule: str, then: Mapping[str, Any]) -> list[RuleError]:
    """``then.message`` must be {"zh": template, "en": template}."""
    message = then.get("message")
    if message is None:
        return [_err(rule, "then.message", "missing message", '{"zh": "…", "en": "…"}')]
    if not isinstance(message, Mapping):
        return [_err(rule, "then.message", "message must be an object", '{"zh": "…", "en": "…"}')]
    errors = [_err(rule, f"then.message.{lang}", f"missing the {lang} message", "a text")
              for lang in LANGUAGES if lang not in message]
    for lang, text in message.items():
        if lang not in LANGUAGES:
            errors.append(_err(rule, f"then.message.{lang}", f"unknown language '{lang}'",
                               " or ".join(LANGUAGES)))
        elif not isinstance(text, str) or not text.strip():
            errors.append(_err(rule, f"then.message.{lang}", "message must be a non-empty text",
                               "a text"))
    return errors


def unknown_keys(rule: str, prefix: str, value: Mapping[str, Any],
                 allowed: tuple[str, ...]) -> list[RuleError]:
    """Errors for keys of ``value`` not in ``allowed`` (catches typos such as "outcom")."""
    return [_err(rule, f"{prefix}{key}", f"unknown field '{key}'", ", ".join(allowed))
            for key in value if key not in allowed]


CONDITION_TYPES = ("prepayment",)


def _conditions(rule: str, outcome: Any, conditions: Any) -> list[RuleError]:
    field = "then.conditions"
    if not isinstance(conditions, list):
        return [_err(rule, field, "conditions must be a list", "[]")]
    errors: list[RuleError] = []
    if outcome == "approved_with_conditions" and not conditions:
        errors.append(_err(rule, field, "approved_with_conditions needs at least one condition",
                           '[{"type": "prepayment", "percent": "30"}]'))
    if outcome in CREDIT_OUTCOMES and outcome != "approved_with_conditions" and conditions:
        errors.append(_err(rule, field, f"an outcome of {outcome} takes no conditions",
                           "approved_with_conditions"))
    seen: set[str] = set()
    for i, cond in enumerate(conditions):
        where = f"{field}[{i}]"
        if not isinstance(cond, Mapping):
            errors.append(_err(rule, where, "a condition must be an object",
                               '{"type": "prepayment", "percent": "30"}'))
            continue
        errors += unknown_keys(rule, f"{where}.", cond, ("type", "percent", "amount"))
        kind = cond.get("type")
        if kind not in CONDITION_TYPES:
            errors.append(_err(rule, f"{where}.type", f"unknown condition type {kind!r}",
                               " or ".join(CONDITION_TYPES)))
        elif kind in seen:
            errors.append(_err(rule, f"{where}.type", f"{kind} is listed twice", "one each"))
        seen.add(str(kind))
        errors += _prepayment(rule, where, cond)
    return errors


def _prepayment(rule: str, where: str, cond: Mapping[str, Any]) -> list[RuleError]:
    """A percent (a decimal string 0-100), an amount (a money expression), or both."""
    errors: list[RuleError] = []
    percent, amount = cond.get("percent"), cond.get("amount")
    if percent is None and amount is None:
        return [_err(rule, f"{where}.percent", "a prepayment needs a percent or an amount",
                     '"percent": "30" or "amount": "order.amount * 0.3"')]
    if percent is not None and (not isinstance(percent, str) or not PERCENT_PATTERN.match(percent)
                                or Decimal(percent) > 100):
        errors.append(_err(rule, f"{where}.percent",
                           f"percent must be a decimal string from 0 to 100, got {percent!r}",
                           '"30"'))
    if amount is not None:
        errors += _amount_expression(rule, f"{where}.amount", amount)
    return errors


def _amount_expression(rule: str, field: str, source: Any) -> list[RuleError]:
    """The amount of a prepayment: an expression of money over the vocabulary (checked like a
    placeholder: parsed, typed, within the limits and the magnitude guard)."""
    if not isinstance(source, str) or not source.strip():
        return [_err(rule, field, "amount must be an expression (a text) of money",
                     '"exposure.total + order.amount - customer.credit_limit"')]
    node, errors = check_placeholder(source, CREDIT_APPROVAL_VOCABULARY, rule=rule, field=field)
    if node is not None and type_of(node, CREDIT_APPROVAL_VOCABULARY) is not ExprType.MONEY:
        errors.append(_err(rule, field, "amount must be an amount of money, not "
                           f"{type_of(node, CREDIT_APPROVAL_VOCABULARY).a}",
                           "an expression such as order.amount * 0.3"))
    return errors


def validate_credit_then(rule: str, then: Any) -> list[RuleError]:
    """``then`` of credit_approval: outcome, code, message {zh, en}, conditions."""
    if not isinstance(then, Mapping):
        return [_err(rule, "then", "then must be an object",
                     '{"outcome": …, "code": …, "message": …, "conditions": []}')]
    errors = unknown_keys(rule, "then.", then, ("outcome", "code", "message", "conditions"))
    outcome = then.get("outcome")
    if outcome not in CREDIT_OUTCOMES:
        what = "missing outcome" if outcome is None else f"unknown outcome {outcome!r}"
        errors.append(_err(rule, "then.outcome", what, " | ".join(CREDIT_OUTCOMES)))
    code = then.get("code")
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        what = "missing code" if code is None else f"code must be UPPER_SNAKE_CASE, got {code!r}"
        errors.append(_err(rule, "then.code", what, "e.g. CREDIT_LIMIT_EXCEEDED"))
    errors += validate_message(rule, then)
    return errors + _conditions(rule, outcome, then.get("conditions", []))


CREDIT_APPROVAL = register_kind(
    RuleSetKind("credit_approval", CREDIT_APPROVAL_VOCABULARY, validate_credit_then)
)
