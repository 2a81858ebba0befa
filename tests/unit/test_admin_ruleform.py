"""The rule editor's rows give back exactly the document they were made from."""

from __future__ import annotations

import json

import pytest

from policy_service.admin import ruleform
from policy_service.config import SHIPPED_RULES

SHIPPED = sorted(p for p in SHIPPED_RULES.glob("*.json")
                 if not p.name.endswith(".cases.json"))


def _as_form(rows: list[dict]) -> dict[str, str]:
    form = {"row_count": str(len(rows))}
    for index, row in enumerate(rows):
        for key, value in row.items():
            if isinstance(value, list):
                value = ",".join(value)
            form[f"rules-{index}-{key}"] = "1" if value is True else (
                "" if value is False else str(value))
    return form


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_saving_a_shipped_rule_set_unchanged_in_the_editor_changes_nothing(path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    rows = ruleform.rows_from_form(_as_form(ruleform.rows_from_document(document)))
    rebuilt, problems = ruleform.document_from_rows(document["name"],
                                                    document["description"], rows)
    assert problems == []
    assert rebuilt["rules"] == document["rules"]


def _credit_rule(**then: object) -> dict:
    return {"name": "r", "description": "", "priority": 1, "when": "order.amount > 1",
            "then": {"outcome": "approved_with_conditions", "code": "R",
                     "message": {"zh": "z", "en": "e"}, **then}}


def test_a_prepayment_condition_is_a_percent_field_and_an_empty_one_means_no_conditions(
) -> None:
    document = {"name": "credit_approval", "description": "",
                "rules": [_credit_rule(conditions=[{"type": "prepayment", "percent": "30"}])]}
    row = ruleform.rows_from_document(document)[0]
    assert (row["prepayment"], row["then.prepayment"], row["then.extra"]) == (True, "30", "{}")
    form = _as_form([{**row, "then.prepayment": "45"}])
    rebuilt, _ = ruleform.document_from_rows("credit_approval", "", ruleform.rows_from_form(form))
    assert rebuilt["rules"][0]["then"]["conditions"] == [{"type": "prepayment", "percent": "45"}]
    form = _as_form([{**row, "then.prepayment": " "}])
    rebuilt, _ = ruleform.document_from_rows("credit_approval", "", ruleform.rows_from_form(form))
    assert rebuilt["rules"][0]["then"]["conditions"] == []


def test_escalation_channels_are_checkboxes_and_an_unknown_shape_stays_json() -> None:
    rule = {"name": "r", "priority": 1, "when": "otherwise", "description": "",
            "then": {"step": "reminder", "code": "R", "channels": ["email", "sms"],
                     "actions": ["fax"]}}
    row = ruleform.row_from_rule(rule, "escalation")
    assert row["lists"] == ["channels"] and row["then.channels"] == ["email", "sms"]
    assert json.loads(row["then.extra"]) == {"actions": ["fax"]}  # not a known code: JSON
    assert ruleform.choices_for("escalation")["step"][0] == "reminder"


def test_a_new_rule_row_has_the_inputs_of_the_last_one_and_no_values() -> None:
    document = {"name": "credit_approval", "description": "", "rules": [
        _credit_rule(conditions=[{"type": "prepayment", "percent": "30"}])]}
    blank = ruleform.blank_like(ruleform.rows_from_document(document)[0])
    assert (blank["name"], blank["when"], blank["then.prepayment"], blank["prepayment"]) == (
        "", "", "", True)
    assert blank["keys"] == ["outcome", "code"] and blank["has_message"] is True
