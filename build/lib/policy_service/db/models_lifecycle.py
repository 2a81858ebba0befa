"""The rule lifecycle tables: drafts of rule set documents and their append-only events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from policy_service.db.models import Base, JSONType
from policy_service.db.types import utcnow
from policy_service.domain.codes import DRAFT_KINDS, DRAFT_STATUSES


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class RuleDraft(Base):
    """A proposed rule set document made from a published version (its base_version).

    Editable by its author while `draft`; immutable once submitted; approved by another
    risk manager it becomes the next published version (`published_version`).
    """

    __tablename__ = "rule_drafts"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    ruleset_name: Mapped[str] = mapped_column(String(64))
    document: Mapped[dict[str, Any]] = mapped_column(JSONType)
    checksum: Mapped[str] = mapped_column(String(64))
    base_version: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20), default="edit")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    author: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)
    published_version: Mapped[int | None]
    cases: Mapped[list[Any] | None] = mapped_column(JSONType)
    """The draft's own test cases (None: the shipped rules/NAME.cases.json)."""
    rebase_to: Mapped[int | None]
    """The published version an unfinished rebase is moving onto (conflicts pending)."""
    conflicts: Mapped[list[Any] | None] = mapped_column(JSONType)
    """The rebase's unresolved conflicts: [{key, rule?, base, ours, theirs, fields?}]."""

    events: Mapped[list[RuleDraftEvent]] = relationship(
        order_by="RuleDraftEvent.id", lazy="selectin"
    )

    __table_args__ = (
        Index("ix_rule_drafts_ruleset_status", "ruleset_name", "status"),
        CheckConstraint(_one_of("status", DRAFT_STATUSES), name="status"),
        CheckConstraint(_one_of("kind", DRAFT_KINDS), name="kind"),
    )


class RuleDraftEvent(Base):
    """Append-only history of a draft: who did what, when, and why."""

    __tablename__ = "rule_draft_events"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("rule_drafts.id"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)


@event.listens_for(RuleDraftEvent, "before_update")
@event.listens_for(RuleDraftEvent, "before_delete")
def _append_only(_mapper: Any, _connection: Any, target: RuleDraftEvent) -> None:
    raise ValueError(f"draft events are append-only (event {target.id})")
