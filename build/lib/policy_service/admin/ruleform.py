"""The rule editor's form: one row of inputs per rule, to and from a rule set document.

Ordinary work needs no JSON: a `then` key whose values are a known code list is a choice
(outcome, step, action), a list of codes (channels, actions) is a set of checkboxes, and a
credit rule's prepayment condition is a percent field; anything else stays JSON."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from policy_service.domain.codes import CREDIT_OUTCOMES, DUNNING_STEPS
from policy_service.language.kinds_account import ACTIONS, CHANNELS, REVIEW_ACTIONS

MESSAGE_LANGUAGES = ("zh", "en")
CHOICES: dict[str, dict[str, tuple[str, ...]]] = {
    "credit_approval": {"outcome": CREDIT_OUTCOMES},
    "escalation": {"step": DUNNING_STEPS},
    "limit_review": {"action": REVIEW_ACTIONS},
}
"""Per rule set kind, the `then` keys that take one code of a list (a select)."""
LISTS: dict[str, dict[str, tuple[str, ...]]] = {
    "escalation": {"channels": CHANNELS, "actions": ACTIONS},
}
"""Per rule set kind, the `then` keys that take several codes of a list (checkboxes)."""
PREPAYMENT_KINDS = ("credit_approval",)


def choices_for(kind: str) -> dict[str, tuple[str, ...]]:
    """The select and checkbox lists of a kind's `then` keys."""
    return {**CHOICES.get(kind, {}), **LISTS.get(kind, {})}


def _prepayment(kind: str, then: Mapping[str, Any]) -> str | None:
    """The percent of a credit rule's lone prepayment condition ("" for none), else None."""
    conditions = then.get("conditions")
    if kind not in PREPAYMENT_KINDS or not isinstance(conditions, list) or len(conditions) > 1:
        return None
    if not conditions:
        return ""
    only = conditions[0]
    if not isinstance(only, Mapping) or set(only) != {"type", "percent"} \
            or only["type"] != "prepayment" or not isinstance(only["percent"], str):
        return None
    return str(only["percent"])


def _is_simple(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


def row_from_rule(rule: Mapping[str, Any], kind: str = "") -> dict[str, Any]:
    """A rule as the row's inputs: simple `then` keys get their own input, the rest is JSON."""
    then = dict(rule.get("then") or {})
    lists = [k for k, allowed in LISTS.get(kind, {}).items()
             if isinstance(then.get(k), list) and all(v in allowed for v in then[k])]
    prepayment = _prepayment(kind, then)
    simple = [k for k, v in then.items() if _is_simple(v)]
    row: dict[str, Any] = {
        "name": rule.get("name", ""), "description": rule.get("description", ""),
        "priority": str(rule.get("priority", "")), "when": rule.get("when", ""),
        "keys": simple, "has_message": isinstance(then.get("message"), Mapping),
        # Which keys hold numbers, so "20" stays the string "20" where the rule set wants
        # a decimal string (percents) and 30 stays the integer 30 where it wants an int.
        "int_keys": [k for k in simple if isinstance(then[k], int)],
        "lists": lists, "prepayment": prepayment is not None,
    }
    for key in lists:
        row[f"then.{key}"] = list(then.pop(key))
    if prepayment is not None:
        then.pop("conditions")
        row["then.prepayment"] = prepayment
    for key in simple:
        row[f"then.{key}"] = str(then.pop(key))
    if row["has_message"]:
        message = then.pop("message")
        for language in MESSAGE_LANGUAGES:
            row[f"then.message.{language}"] = message.get(language, "")
    row["then.extra"] = json.dumps(then, ensure_ascii=False) if then else "{}"
    return row


def rows_from_document(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every rule of a document as a row."""
    kind = str(document.get("name", ""))
    return [row_from_rule(rule, kind) for rule in document.get("rules", [])]


def blank_like(row: Mapping[str, Any]) -> dict[str, Any]:
    """A new, empty rule with the same inputs as `row` (the "add rule" button)."""
    blank = {k: ([] if isinstance(v, list) else "") for k, v in row.items()}
    blank.update({k: row[k] for k in ("keys", "int_keys", "has_message", "lists",
                                      "prepayment") if k in row})
    blank["then.extra"] = "{}" if row.get("then.extra", "{}") == "{}" else row["then.extra"]
    return blank


def rows_from_form(form: Mapping[str, str]) -> list[dict[str, Any]]:
    """The submitted rows (rows marked for deletion are dropped)."""
    rows = []
    for index in range(int(form.get("row_count", "0") or 0)):
        prefix = f"rules-{index}-"
        if form.get(prefix + "delete"):
            continue
        keys, int_keys, lists = (_names(form.get(prefix + part))
                                 for part in ("keys", "int_keys", "lists"))
        row: dict[str, Any] = {"keys": keys, "int_keys": int_keys, "lists": lists,
                               "has_message": bool(form.get(prefix + "has_message")),
                               "prepayment": bool(form.get(prefix + "prepayment"))}
        fields = ["name", "description", "priority", "when", "then.extra",
                  *(f"then.{k}" for k in keys),
                  *(f"then.message.{lang}" for lang in MESSAGE_LANGUAGES),
                  *(["then.prepayment"] if row["prepayment"] else [])]
        for field in fields:
            row[field] = form.get(prefix + field, "")
        for key in lists:
            row[f"then.{key}"] = _chosen(form, prefix + f"then.{key}")
        rows.append(row)
    return rows


def _names(value: str | None) -> list[str]:
    return [k for k in (value or "").split(",") if k]


def _chosen(form: Mapping[str, str], name: str) -> list[str]:
    """The checked boxes of one name (a browser sends one value per box)."""
    getlist = getattr(form, "getlist", None)
    values = getlist(name) if getlist is not None else _names(form.get(name))
    return [v for value in values for v in _names(value)]


def document_from_rows(name: str, description: str, rows: Iterable[Mapping[str, Any]]
                       ) -> tuple[dict[str, Any], list[tuple[int, str, str]]]:
    """The document the rows describe, and (row, field, message) for inputs that do not parse."""
    problems: list[tuple[int, str, str]] = []
    rules = []
    for index, row in enumerate(rows):
        try:
            then = json.loads(row.get("then.extra") or "{}")
            if not isinstance(then, dict):
                raise ValueError("not an object")
        except ValueError as exc:
            problems.append((index, "then.extra", f"not a JSON object: {exc}"))
            then = {}
        for key in row.get("keys", []):
            value = row.get(f"then.{key}", "")
            is_int = key in row.get("int_keys", []) and value.strip().lstrip("-").isdigit()
            then[key] = int(value) if is_int else value
        for key in row.get("lists", []):
            then[key] = list(row.get(f"then.{key}", []))
        if row.get("prepayment"):
            percent = str(row.get("then.prepayment", "")).strip()
            then["conditions"] = [{"type": "prepayment", "percent": percent}] if percent else []
        if row.get("has_message"):
            then["message"] = {lang: row.get(f"then.message.{lang}", "")
                               for lang in MESSAGE_LANGUAGES}
        priority_text = str(row.get("priority", "")).strip()
        priority: Any = int(priority_text) if priority_text.lstrip("-").isdigit() \
            else priority_text
        rules.append({"name": row.get("name", ""), "description": row.get("description", ""),
                      "priority": priority, "when": row.get("when", ""), "then": then})
    return {"name": name, "description": description, "rules": rules}, problems


def located_errors(errors: Iterable[Mapping[str, Any]], rows: Sequence[Mapping[str, Any]]
                   ) -> tuple[dict[tuple[int, str], list[str]], list[str]]:
    """Validation errors placed at (row index, input); those that fit no input, separately."""
    index_of = {row.get("name"): i for i, row in enumerate(rows)}
    placed: dict[tuple[int, str], list[str]] = defaultdict(list)
    general: list[str] = []
    for error in errors:
        rule, field = str(error.get("rule") or ""), str(error.get("field") or "")
        index = index_of.get(rule)
        if index is None and rule.startswith("rules[") and rule.endswith("]"):
            index = int(rule[6:-1]) if rule[6:-1].isdigit() else None
        text = describe(error)
        if index is None:
            general.append(f"{rule} {field}: {text}".strip())
            continue
        inputs = set(rows[index]) if index < len(rows) else set()
        if field.startswith("then.conditions") and "then.prepayment" in inputs:
            field = "then.prepayment"
        field = field.split("[")[0] if field.split("[")[0] in inputs else field
        target = field if field in inputs else (
            "then.extra" if field.startswith("then") else field if field else "when")
        placed[(index, target if target in inputs else "name")].append(text)
    return dict(placed), general


def describe(error: Mapping[str, Any]) -> str:
    """An error as one line: where (line:column), what, and what was expected."""
    where = f"{error['line']}:{error['column']} " if error.get("line") else ""
    expected = f" (expected: {error['expected']})" if error.get("expected") else ""
    return f"{where}{error.get('message', '')}{expected}"
