"""Rebasing a draft: a rule-by-rule three-way merge onto the version published meanwhile.

base = the version the draft started from, theirs = the published version, ours = the
draft. Rules changed on one side are taken from it; rules changed on both sides become
conflicts the author settles one by one ("ours" keeps the draft's rule as it is now, after
any edit; "theirs" takes the published one). The draft's base moves only when no conflict
remains, and the merged document is validated before it is stored.
"""

from __future__ import annotations

from typing import Any

from policy_service.db.models_lifecycle import RuleDraft
from policy_service.services.errors import Conflict, Invalid, NotFound
from policy_service.services.rules import registry
from policy_service.services.rules.diff import diff_documents
from policy_service.services.rules.lifecycle import (
    _author_only,
    _record,
    _validated,
    load_draft,
    view,
)
from policy_service.services.rules.merge import resolve, three_way
from policy_service.services.rules.registry import RuleSetRegistry
from policy_service.services.unit_of_work import UnitOfWork

TAKES = ("ours", "theirs")


def rebase_draft(uow: UnitOfWork, rulesets: RuleSetRegistry, name: str, draft_id: int,
                 actor: str) -> dict[str, Any]:
    """Merge the published version into the author's open draft (a submitted one reopens).

    Returns the draft (with any conflicts), what was taken from the published side, and
    the diff of the result against the published version (what approving would change).
    """
    with uow:
        draft = load_draft(uow.session, name, draft_id, lock=True)
        _author_only(draft, actor, "rebase")
        if draft.status not in ("draft", "submitted"):
            raise Conflict(f"draft {draft_id} is {draft.status}; only an open draft can rebase")
        base = registry.get_version(uow.session, name, draft.base_version)
        published = registry.get_version(uow.session, name)
        merge = three_way(base.document, draft.document, published.document)
        _store(draft, rulesets, name, merge.document)
        draft.status = "draft"
        if merge.conflicts:
            draft.rebase_to, draft.conflicts = published.version, merge.conflicts
            _record(draft, "rebase_conflicts", actor,
                    f"merging v{published.version} into v{draft.base_version}: "
                    f"{len(merge.conflicts)} conflict(s) to resolve: "
                    + ", ".join(c["key"] for c in merge.conflicts))
        else:
            _finish(draft, actor, draft.base_version, published.version)
        uow.commit()
        return _answer(draft, published.version, published.document, merge.taken)


def resolve_conflict(uow: UnitOfWork, rulesets: RuleSetRegistry, name: str, draft_id: int,
                     actor: str, key: str, take: str) -> dict[str, Any]:
    """Settle one conflict of an unfinished rebase; the last one moves the draft's base."""
    if take not in TAKES:
        raise Invalid("take must be ours or theirs", fields={"take": list(TAKES)})
    with uow:
        draft = load_draft(uow.session, name, draft_id, lock=True)
        _author_only(draft, actor, "resolve conflicts of")
        if draft.status != "draft" or not draft.conflicts or draft.rebase_to is None:
            raise Conflict(f"draft {draft_id} has no rebase conflicts to resolve")
        conflict = next((c for c in draft.conflicts if c["key"] == key), None)
        if conflict is None:
            raise NotFound(f"draft {draft_id} has no conflict {key!r}; open ones: "
                           + ", ".join(c["key"] for c in draft.conflicts))
        _store(draft, rulesets, name, resolve(draft.document, conflict, take))
        draft.conflicts = [c for c in draft.conflicts if c["key"] != key]
        _record(draft, "conflict_resolved", actor,
                f"{key}: kept the draft's" if take == "ours" else f"{key}: took the published")
        target = draft.rebase_to
        if not draft.conflicts:
            _finish(draft, actor, draft.base_version, target)
        published = registry.get_version(uow.session, name)
        uow.commit()
        return _answer(draft, published.version, published.document, [])


def _store(draft: RuleDraft, rulesets: RuleSetRegistry, name: str,
           document: dict[str, Any]) -> None:
    """Validate the merged document (Invalid, nothing changed, if it does not) and keep it."""
    try:
        draft.checksum = _validated(rulesets, name, document)
    except Invalid as exc:
        raise Invalid(f"the merged rule set does not validate; edit the draft and rebase "
                      f"again: {exc.message}", fields=exc.fields) from exc
    draft.document = document


def _finish(draft: RuleDraft, actor: str, old: int, new: int | None) -> None:
    assert new is not None
    draft.base_version, draft.rebase_to, draft.conflicts = new, None, None
    _record(draft, "rebased", actor, f"rebased from v{old} onto v{new}")


def _answer(draft: RuleDraft, published_version: int, published: dict[str, Any],
            taken: list[str]) -> dict[str, Any]:
    return {"draft": view(draft, published_version), "taken": taken,
            "conflicts": list(draft.conflicts or []),
            "diff": {"from": {"version": published_version}, "to": {"draft_id": draft.id},
                     **diff_documents(published, draft.document)}}
