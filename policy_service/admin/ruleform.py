"""The rule editor's form: one row of inputs per rule, to and from a rule set document."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

MESSAGE_LANGUAGES = ("zh", "en")


def _is_simple(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


def row_from_rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    """A rule as the row's inputs: simple `then` keys get their own input, the rest is JSON."""
    then = dict(rule.get("then") or {})
    simple = [k for k, v in then.items() if _is_simple(v)]
    row: dict[str, Any] = {
        "name": rule.get("name", ""), "description": rule.get("description", ""),
        "priority": str(rule.get("priority", "")), "when": rule.get("when", ""),
        "keys": simple, "has_message": isinstance(then.get("message"), Mapping),
        # Which keys hold numbers, so "20" stays the string "20" where the rule set wants
        # a decimal string (percents) and 30 stays the integer 30 where it wants an int.
        "int_keys": [k for k in simple if isinstance(then[k], int)],
    }
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
    return [row_from_rule(rule) for rule in document.get("rules", [])]


def rows_from_form(form: Mapping[str, str]) -> list[dict[str, Any]]:
    """The submitted rows (rows marked for deletion are dropped)."""
    rows = []
    for index in range(int(form.get("row_count", "0") or 0)):
        prefix = f"rules-{index}-"
        if form.get(prefix + "delete"):
            continue
        keys = [k for k in (form.get(prefix + "keys") or "").split(",") if k]
        int_keys = [k for k in (form.get(prefix + "int_keys") or "").split(",") if k]
        row: dict[str, Any] = {"keys": keys, "int_keys": int_keys,
                               "has_message": bool(form.get(prefix + "has_message"))}
        fields = ["name", "description", "priority", "when", "then.extra",
                  *(f"then.{k}" for k in keys),
                  *(f"then.message.{lang}" for lang in MESSAGE_LANGUAGES)]
        for field in fields:
            row[field] = form.get(prefix + field, "")
        rows.append(row)
    return rows


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
        target = field if field in inputs else (
            "then.extra" if field.startswith("then") else field if field else "when")
        placed[(index, target if target in inputs else "name")].append(text)
    return dict(placed), general


def describe(error: Mapping[str, Any]) -> str:
    """An error as one line: where (line:column), what, and what was expected."""
    where = f"{error['line']}:{error['column']} " if error.get("line") else ""
    expected = f" (expected: {error['expected']})" if error.get("expected") else ""
    return f"{where}{error.get('message', '')}{expected}"
