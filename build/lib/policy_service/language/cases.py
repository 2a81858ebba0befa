"""Test cases beside a rule set file (``rules/NAME.cases.json``), with facts typed by vocabulary."""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from policy_service.language.kinds import get_kind
from policy_service.language.vocabulary import FieldType, ValidFacts, Vocabulary, valid_facts

CASES_SUFFIX = ".cases.json"


@dataclass(frozen=True)
class Case:
    """One case: a note, the facts (Decimals for money) and the expected result."""

    note: str
    facts: dict[str, Any]
    expect: Mapping[str, Any]


def ruleset_path(cases_path: str | Path) -> Path:
    """The rule set file a cases file belongs to: ``x.cases.json`` -> ``x.json``."""
    path = Path(cases_path)
    return path.with_name(path.name.removesuffix(CASES_SUFFIX) + ".json")


def typed_facts(vocab: Vocabulary, raw: Mapping[str, Any]) -> ValidFacts:
    """Copy of ``raw`` with MONEY/DECIMAL strings as Decimal, validated (FactsInvalid if
    wrong): evaluating them does not validate them again."""
    facts: dict[str, Any] = copy.deepcopy(dict(raw))
    for field in vocab.values():
        if field.type not in (FieldType.MONEY, FieldType.DECIMAL):
            continue
        group: Any = facts
        for key in field.path[:-1]:
            group = group.get(key) if isinstance(group, dict) else None
        leaf = field.path[-1]
        if isinstance(group, dict) and isinstance(group.get(leaf), str):
            with contextlib.suppress(InvalidOperation):  # else validate_facts reports it
                group[leaf] = Decimal(group[leaf])
    return valid_facts(vocab, facts)


def load_cases(path: str | Path, vocab: Vocabulary | None = None) -> list[Case]:
    """Read a cases file; the vocabulary defaults to that of the kind named by the file."""
    path = Path(path)
    if vocab is None:
        vocab = get_kind(path.name.removesuffix(CASES_SUFFIX)).vocabulary
    with open(path, encoding="utf-8") as handle:
        raw_cases = json.load(handle)
    return [Case(str(c["note"]), typed_facts(vocab, c["facts"]), c["expect"]) for c in raw_cases]
