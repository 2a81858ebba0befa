"""The rule lifecycle: draft, test, backtest, submit, approve by another, reject, rollback.

Plain functions over a unit of work (and the registry where a document is compiled)
and an actor name, usable from the API and the admin UI.
A draft is made from the published version it names as `base_version`; approving a draft
whose base is no longer the published version is refused (stale) until its author rebases.
Every action is appended to the draft's events.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from policy_service.db.models import RuleSetVersion
from policy_service.db.models_lifecycle import RuleDraft, RuleDraftEvent
from policy_service.services.errors import Conflict, Forbidden, Invalid, NotFound
from policy_service.services.rules import cases, registry
from policy_service.services.rules.registry import RuleSetRegistry
from policy_service.services.unit_of_work import UnitOfWork


def create_draft(uow: UnitOfWork, rulesets: RuleSetRegistry, name: str, document: Any,
                 actor: str, *, kind: str = "edit", note: str | None = None) -> dict[str, Any]:
    """Store a valid document as a draft of the published version; Invalid lists every error."""
    with uow:
        base = registry.get_version(uow.session, name).version
        checksum = _validated(rulesets, name, document)
        draft = RuleDraft(ruleset_name=name, document=document, checksum=checksum,
                          base_version=base, kind=kind, status="draft", author=actor, note=note)
        uow.session.add(draft)
        _record(draft, "created" if kind == "edit" else "rollback_created", actor, note)
        uow.session.flush()
        uow.commit()
        return view(draft, base)


def update_draft(uow: UnitOfWork, rulesets: RuleSetRegistry, name: str, draft_id: int,
                 document: Any, actor: str, *, partial: bool = False) -> dict[str, Any]:
    """The author replaces (or, partial, merges top-level keys into) a draft's document."""
    with uow:
        draft = load_draft(uow.session, name, draft_id, lock=True)
        _author_only(draft, actor, "edit")
        _require(draft, "draft", "edit")
        if partial and isinstance(document, Mapping):
            document = {**draft.document, **document}
        draft.checksum = _validated(rulesets, name, document)
        draft.document = document
        _record(draft, "edited", actor, None)
        uow.commit()
        return view(draft, _newest(uow.session, name))


def get_draft(uow: UnitOfWork, name: str, draft_id: int) -> dict[str, Any]:
    """One draft with its document and history."""
    with uow:
        return view(load_draft(uow.session, name, draft_id), _newest(uow.session, name))


def list_drafts(uow: UnitOfWork, name: str, status: str | None = None) -> list[dict[str, Any]]:
    """The drafts of a rule set, newest first, optionally of one status."""
    with uow:
        newest = registry.get_version(uow.session, name).version
        query = select(RuleDraft).where(RuleDraft.ruleset_name == name)
        if status:
            query = query.where(RuleDraft.status == status)
        return [view(d, newest) for d in uow.session.scalars(query.order_by(RuleDraft.id.desc()))]


def submit_draft(uow: UnitOfWork, rules_dir: Path, name: str, draft_id: int, actor: str,
                 note: str | None = None) -> dict[str, Any]:
    """The author submits the draft for approval; from now on it is immutable.

    Refused while a rebase has unresolved conflicts, or when any of its test cases fail."""
    with uow:
        draft = load_draft(uow.session, name, draft_id, lock=True)
        _author_only(draft, actor, "submit")
        _require(draft, "draft", "submit")
        if draft.conflicts:
            raise Conflict(f"cannot submit draft {draft_id}: its rebase onto "
                           f"v{draft.rebase_to} has {len(draft.conflicts)} unresolved "
                           "conflict(s)", fields={"conflicts": [c["key"] for c in
                                                                draft.conflicts]})
        cases.gate(draft, rules_dir, "submit")
        draft.status, draft.submitted_at = "submitted", _now()
        _record(draft, "submitted", actor, note)
        uow.commit()
        return view(draft, _newest(uow.session, name))


def approve_draft(uow: UnitOfWork, rulesets: RuleSetRegistry, rules_dir: Path, name: str,
                  draft_id: int, actor: str, note: str | None = None) -> dict[str, Any]:
    """Another risk manager approves: the draft becomes the next published version.

    Its test cases run again first: a draft whose cases fail is never published."""
    with uow:
        session = uow.session
        draft = load_draft(session, name, draft_id, lock=True)
        _not_author(draft, actor, "approve")
        _require(draft, "submitted", "approve")
        newest = _newest(session, name, lock=True)
        if newest != draft.base_version:
            raise Conflict(f"stale draft: based on v{draft.base_version}, published is "
                           f"v{newest}; rebase", fields={"base_version": draft.base_version,
                                                         "published_version": newest})
        cases.gate(draft, rules_dir, "approve")
        try:
            row = registry.publish(session, rulesets, draft.document, author=draft.author,
                                   approved_by=actor, note=note or draft.note)
        except IntegrityError as exc:
            raise Conflict(f"rule set {name} was published concurrently; rebase") from exc
        for other in session.scalars(select(RuleDraft).where(
                RuleDraft.ruleset_name == name, RuleDraft.status == "published")):
            other.status = "superseded"
            _record(other, "superseded", actor, f"superseded by v{row.version}")
        draft.status, draft.decided_by, draft.decided_at = "published", actor, _now()
        draft.published_version = row.version
        _record(draft, "approved", actor, note)
        _record(draft, "published", actor, f"published as v{row.version}")
        uow.commit()
        return view(draft, row.version)


def reject_draft(uow: UnitOfWork, name: str, draft_id: int, actor: str,
                 note: str) -> dict[str, Any]:
    """Another risk manager rejects a submitted draft, saying why."""
    if not note or not note.strip():
        raise Invalid("a rejection needs a note", fields={"note": ["required"]})
    with uow:
        draft = load_draft(uow.session, name, draft_id, lock=True)
        _not_author(draft, actor, "reject")
        _require(draft, "submitted", "reject")
        draft.status, draft.decided_by, draft.decided_at = "rejected", actor, _now()
        _record(draft, "rejected", actor, note)
        uow.commit()
        return view(draft, _newest(uow.session, name))


def rollback_version(uow: UnitOfWork, rulesets: RuleSetRegistry, name: str, version: int,
                     actor: str, note: str) -> dict[str, Any]:
    """A rollback draft holding version `version`'s document; it needs approval like any draft."""
    with uow:
        target = registry.get_version(uow.session, name, version)
        newest = registry.get_version(uow.session, name)
    if target.version == newest.version:
        raise Conflict(f"v{version} is the published version; there is nothing to roll back")
    return create_draft(uow, rulesets, name, target.document, actor, kind="rollback",
                        note=f"rollback to v{version}: {note}")


def view(draft: RuleDraft, published_version: int | None) -> dict[str, Any]:
    """A draft with its document, whether it is stale, and its history."""
    return {
        "draft_id": draft.id, "name": draft.ruleset_name, "status": draft.status,
        "kind": draft.kind, "base_version": draft.base_version,
        "published_version": published_version,
        "stale": draft.status in ("draft", "submitted")
        and published_version != draft.base_version,
        "author": draft.author, "created_at": draft.created_at, "updated_at": draft.updated_at,
        "submitted_at": draft.submitted_at, "decided_by": draft.decided_by,
        "decided_at": draft.decided_at, "note": draft.note,
        "result_version": draft.published_version, "checksum": draft.checksum,
        "document": draft.document, "own_cases": draft.cases is not None,
        "rebase_to": draft.rebase_to, "conflicts": list(draft.conflicts or []),
        "history": [{"action": e.action, "status": e.status, "actor": e.actor, "note": e.note,
                     "at": e.at} for e in draft.events],
    }


def _validated(rulesets: RuleSetRegistry, name: str, document: Any) -> str:
    """The checksum of a valid document named `name`, else Invalid with every error located."""
    errors = []
    if isinstance(document, Mapping) and document.get("name") != name:
        errors.append({"rule": "", "field": "name", "line": 0, "column": 0, "expected": name,
                       "message": f"the document's name {document.get('name')!r} must be "
                                  f"{name!r}, the rule set in the path"})
    try:
        compiled = registry.compile_document(rulesets, document)
    except Invalid as exc:
        located = errors + list(exc.fields.get("rules", []))
        raise Invalid(f"{len(located) or 1} error(s) in the rule set: {exc.message}",
                      fields={**exc.fields, "rules": located}) from exc
    if errors:
        raise Invalid(f"1 error(s) in the rule set: {errors[0]['message']}",
                      fields={"rules": errors})
    return compiled.checksum


def load_draft(session: Session, name: str, draft_id: int, *, lock: bool = False) -> RuleDraft:
    """The draft `draft_id` of rule set `name` (row-locked on PostgreSQL with lock), or NotFound."""
    query = select(RuleDraft).where(RuleDraft.id == draft_id, RuleDraft.ruleset_name == name)
    draft = session.scalars(query.with_for_update() if lock else query).one_or_none()
    if draft is None:
        raise NotFound(f"unknown draft {draft_id} of rule set {name!r}")
    return draft


def _newest(session: Session, name: str, *, lock: bool = False) -> int | None:
    """The published version number; with lock, serializes concurrent approvals (PostgreSQL)."""
    if lock:
        session.execute(select(RuleSetVersion.id).where(RuleSetVersion.name == name)
                        .order_by(RuleSetVersion.version.desc()).limit(1).with_for_update())
    return session.scalar(select(func.max(RuleSetVersion.version))
                          .where(RuleSetVersion.name == name))


def _author_only(draft: RuleDraft, actor: str, action: str) -> None:
    if draft.author != actor:
        raise Forbidden(f"only the draft's author ({draft.author}) may {action} draft {draft.id}")


def _not_author(draft: RuleDraft, actor: str, action: str) -> None:
    if draft.author == actor:
        raise Forbidden(f"you wrote draft {draft.id}; another risk manager must {action} it "
                        "(four eyes)")


def _require(draft: RuleDraft, status: str, action: str) -> None:
    if draft.status != status:
        immutable = " (drafts are immutable once submitted)" if action == "edit" else ""
        raise Conflict(f"cannot {action} draft {draft.id}: it is {draft.status}, not "
                       f"{status}{immutable}", fields={"status": draft.status})


def _record(draft: RuleDraft, action: str, actor: str, note: str | None) -> None:
    draft.events.append(RuleDraftEvent(action=action, status=draft.status, actor=actor,
                                       note=note, at=_now()))


def log_action(uow: UnitOfWork, name: str, draft_id: int, action: str, actor: str,
               note: str) -> None:
    """Append an event to a draft in its own short transaction."""
    with uow:
        _record(load_draft(uow.session, name, draft_id), action, actor, note)
        uow.commit()


def _now() -> datetime:
    return datetime.now(UTC)
