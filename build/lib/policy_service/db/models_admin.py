"""The admin UI's change history: who changed which field of a customer or tier, when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from policy_service.db.models import Base
from policy_service.db.types import utcnow


class ChangeRecord(Base):
    """One field of one customer or tier changed through the admin UI (append-only)."""

    __tablename__ = "admin_change_history"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(20))  # "customer" | "tier"
    entity_id: Mapped[str] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(50))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    changed_by: Mapped[str] = mapped_column(String(100))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_admin_change_history_entity", "entity", "entity_id"),)


class LoginFailure(Base):
    """A wrong password at the admin login: counted per username and per address."""

    __tablename__ = "admin_login_failures"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_admin_login_failures_username", "username", "failed_at"),
                      Index("ix_admin_login_failures_address", "address", "failed_at"))
