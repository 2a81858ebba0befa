"""The rule editor's rows give back exactly the document they were made from."""

from __future__ import annotations

import json

import pytest

from policy_service.admin import ruleform
from policy_service.config import PROJECT_ROOT

SHIPPED = sorted(p for p in (PROJECT_ROOT / "rules").glob("*.json")
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
