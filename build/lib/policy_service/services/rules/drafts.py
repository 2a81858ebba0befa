"""A draft's own test cases, and discarding a draft nobody will submit or approve."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from policy_service.services.rules import cases as case_checks
from policy_service.services.rules.lifecycle import (
    _author_only,
    _newest,
    _record,
    _require,
    load_draft,
    view,
)
from policy_service.services.unit_of_work import UnitOfWork


def get_cases(uow: UnitOfWork, rules_dir: Path, name: str, draft_id: int) -> dict[str, Any]:
    """The cases the draft is judged by and where they come from ("draft" or the file)."""
    with uow:
        raw, source = case_checks.draft_cases(load_draft(uow.session, name, draft_id),
                                              rules_dir)
    return {"draft_id": draft_id, "source": source, "cases": raw}


def set_cases(uow: UnitOfWork, name: str, draft_id: int, actor: str,
              raw: list[Any] | None) -> dict[str, Any]:
    """The author gives the draft its own cases (None: back to the shipped ones).

    Each case must fit the rule set's vocabulary (Invalid names the bad ones); whether they
    pass is what "test", submit and approve tell."""
    with uow:
        draft = load_draft(uow.session, name, draft_id, lock=True)
        _author_only(draft, actor, "change the cases of")
        _require(draft, "draft", "change cases")
        draft.cases = None if raw is None else case_checks.validated_cases(draft.document, raw)
        _record(draft, "cases_changed", actor,
                "the shipped cases" if raw is None else f"{len(raw)} case(s) of its own")
        uow.commit()
        return view(draft, _newest(uow.session, name))


def discard_draft(uow: UnitOfWork, name: str, draft_id: int, actor: str,
                  note: str | None = None) -> dict[str, Any]:
    """The author drops an open draft (draft or submitted); it stays in the history."""
    with uow:
        draft = load_draft(uow.session, name, draft_id, lock=True)
        _author_only(draft, actor, "discard")
        if draft.status not in ("draft", "submitted"):
            _require(draft, "draft", "discard")
        draft.status, draft.rebase_to, draft.conflicts = "discarded", None, None
        _record(draft, "discarded", actor, note)
        uow.commit()
        return view(draft, _newest(uow.session, name))


def test_report(uow: UnitOfWork, rules_dir: Path, name: str, draft_id: int) -> dict[str, Any]:
    """The draft against its cases, pass/fail per case, without recording a test run."""
    with uow:
        return case_checks.draft_report(load_draft(uow.session, name, draft_id), rules_dir)
