"""The account rule set kinds, registered on import.

overdue_penalty, escalation, limit_review, receivable_classes, blacklist_watch and
early_warning.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from policy_service.domain.codes import ALERT_LEVELS, DUNNING_STEPS, MESSAGE_CHANNELS
from policy_service.domain.codes import RECEIVABLE_CLASSES as CLASSES
from policy_service.language.errors import RuleError
from policy_service.language.errors import rule_error as _err
from policy_service.language.kinds import (
    CODE_PATTERN,
    PERCENT_PATTERN,
    RuleSetKind,
    register_kind,
    unknown_keys,
    validate_message,
)
from policy_service.language.vocabularies_account import (
    BLACKLIST_WATCH_VOCABULARY,
    EARLY_WARNING_VOCABULARY,
    ESCALATION_VOCABULARY,
    PENALTY_VOCABULARY,
    RECEIVABLE_CLASSES_VOCABULARY,
    REVIEW_VOCABULARY,
)

STEPS = DUNNING_STEPS
CHANNELS = MESSAGE_CHANNELS
ACTIONS = ("stop_supply", "legal_case", "break_plan")
REVIEW_ACTIONS = ("raise", "keep", "cut")
SIGNED_PERCENT = re.compile(r"^-?\d{1,3}(\.\d{1,4})?$")
MAX_GRACE_DAYS = 3650
MAX_WINDOW_DAYS = 3650
MAX_MIN_INVOICES = 1000



def _head(rule: str, then: Any, keys: tuple[str, ...]) -> list[RuleError] | None:
    """None when ``then`` is an object; else the error list."""
    if not isinstance(then, Mapping):
        return [_err(rule, "then", "then must be an object", "{" + ", ".join(keys) + "}")]
    return None


def _code(rule: str, then: Mapping[str, Any]) -> list[RuleError]:
    code = then.get("code")
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        what = "missing code" if code is None else f"code must be UPPER_SNAKE_CASE, got {code!r}"
        return [_err(rule, "then.code", what, "e.g. LATE_INTEREST")]
    return []


def _percent(rule: str, then: Mapping[str, Any], key: str, *, signed: bool = False
             ) -> list[RuleError]:
    value = then.get(key)
    pattern = SIGNED_PERCENT if signed else PERCENT_PATTERN
    ok = isinstance(value, str) and pattern.match(value) and (signed or Decimal(value) <= 100)
    if ok and signed and Decimal(str(value)) < -100:
        ok = False
    if not ok:
        rng = "-100 to 999" if signed else "0 to 100"
        return [_err(rule, f"then.{key}", f"{key} must be a decimal string from {rng}, "
                     f"got {value!r}", '"0.05"')]
    return []


def _int(rule: str, then: Mapping[str, Any], key: str, low: int, high: int) -> list[RuleError]:
    value = then.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return [_err(rule, f"then.{key}", f"{key} must be a whole number from {low} to {high}, "
                     f"got {value!r}", str(low))]
    return []


def _subset(rule: str, then: Mapping[str, Any], key: str, allowed: tuple[str, ...], *,
            non_empty: bool) -> list[RuleError]:
    value = then.get(key, [])
    if not isinstance(value, list) or any(v not in allowed for v in value) \
            or len(set(value)) != len(value) or (non_empty and not value):
        what = "a non-empty list" if non_empty else "a list"
        return [_err(rule, f"then.{key}", f"{key} must be {what} of distinct values from "
                     f"{', '.join(allowed)}, got {value!r}", f'["{allowed[0]}"]')]
    return []


PENALTY_KEYS = ("code", "message", "grace_days", "daily_rate_percent", "cap_percent")


def validate_penalty_then(rule: str, then: Any) -> list[RuleError]:
    """``then`` of overdue_penalty: daily rate and cap (percents), code, message, and
    optionally grace days — without them the customer's tier's grace days apply
    (``customer.grace_days``, the one home of grace days)."""
    head = _head(rule, then, PENALTY_KEYS)
    if head is not None:
        return head
    grace = _int(rule, then, "grace_days", 0, MAX_GRACE_DAYS) if "grace_days" in then else []
    return (unknown_keys(rule, "then.", then, PENALTY_KEYS) + _code(rule, then)
            + validate_message(rule, then) + grace
            + _percent(rule, then, "daily_rate_percent") + _percent(rule, then, "cap_percent"))


ESCALATION_KEYS = ("step", "code", "message", "channels", "actions")


def validate_escalation_then(rule: str, then: Any) -> list[RuleError]:
    """``then`` of escalation: step name, channels, state-changing actions, code, message."""
    head = _head(rule, then, ESCALATION_KEYS)
    if head is not None:
        return head
    errors = unknown_keys(rule, "then.", then, ESCALATION_KEYS) + _code(rule, then)
    if then.get("step") not in STEPS:
        errors.append(_err(rule, "then.step", f"unknown step {then.get('step')!r}",
                           " | ".join(STEPS)))
    return (errors + validate_message(rule, then)
            + _subset(rule, then, "channels", CHANNELS, non_empty=True)
            + _subset(rule, then, "actions", ACTIONS, non_empty=False))


REVIEW_KEYS = ("action", "code", "message", "limit_change_percent", "tier_steps")


def validate_review_then(rule: str, then: Any) -> list[RuleError]:
    """``then`` of limit_review: raise/keep/cut, limit change percent, tier steps (+1 is up)."""
    head = _head(rule, then, REVIEW_KEYS)
    if head is not None:
        return head
    errors = unknown_keys(rule, "then.", then, REVIEW_KEYS) + _code(rule, then)
    if then.get("action") not in REVIEW_ACTIONS:
        errors.append(_err(rule, "then.action", f"unknown action {then.get('action')!r}",
                           " | ".join(REVIEW_ACTIONS)))
    return (errors + validate_message(rule, then)
            + _percent(rule, then, "limit_change_percent", signed=True)
            + _int(rule, then, "tier_steps", -3, 3))


CLASS_KEYS = ("class", "provision_percent", "message")


def validate_class_then(rule: str, then: Any) -> list[RuleError]:
    """``then`` of receivable_classes: the class (账龄分类), its provision percent, message."""
    head = _head(rule, then, CLASS_KEYS)
    if head is not None:
        return head
    errors = unknown_keys(rule, "then.", then, CLASS_KEYS)
    if then.get("class") not in CLASSES:
        errors.append(_err(rule, "then.class", f"unknown class {then.get('class')!r}",
                           " | ".join(CLASSES)))
    return errors + validate_message(rule, then) + _percent(rule, then, "provision_percent")


WATCH_KEYS = ("min_invoices", "window_days")


def validate_watch_then(rule: str, then: Any) -> list[RuleError]:
    """``then`` of blacklist_watch: how many matching invoices due within how many days."""
    head = _head(rule, then, WATCH_KEYS)
    if head is not None:
        return head
    return (unknown_keys(rule, "then.", then, WATCH_KEYS)
            + _int(rule, then, "min_invoices", 1, MAX_MIN_INVOICES)
            + _int(rule, then, "window_days", 1, MAX_WINDOW_DAYS))


WARNING_KEYS = ("level", "code", "message")


def validate_warning_then(rule: str, then: Any) -> list[RuleError]:
    """``then`` of early_warning: the alert's level (info, warning, critical), code, message."""
    head = _head(rule, then, WARNING_KEYS)
    if head is not None:
        return head
    errors = unknown_keys(rule, "then.", then, WARNING_KEYS) + _code(rule, then)
    if then.get("level") not in ALERT_LEVELS:
        errors.append(_err(rule, "then.level", f"unknown level {then.get('level')!r}",
                           " | ".join(ALERT_LEVELS)))
    return errors + validate_message(rule, then)


OVERDUE_PENALTY = register_kind(
    RuleSetKind("overdue_penalty", PENALTY_VOCABULARY, validate_penalty_then))
ESCALATION = register_kind(
    RuleSetKind("escalation", ESCALATION_VOCABULARY, validate_escalation_then))
LIMIT_REVIEW = register_kind(
    RuleSetKind("limit_review", REVIEW_VOCABULARY, validate_review_then))
RECEIVABLE_CLASSES = register_kind(
    RuleSetKind("receivable_classes", RECEIVABLE_CLASSES_VOCABULARY, validate_class_then,
                otherwise="required"))
BLACKLIST_WATCH = register_kind(
    RuleSetKind("blacklist_watch", BLACKLIST_WATCH_VOCABULARY, validate_watch_then,
                otherwise="forbidden"))
EARLY_WARNING = register_kind(
    RuleSetKind("early_warning", EARLY_WARNING_VOCABULARY, validate_warning_then,
                otherwise="forbidden"))
