"""Tables of statements and early warning: outbox attachments and early-warning alerts."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from policy_service.db.models import Base, JSONType


class OutboxAttachment(Base):
    """A file sent with an outbox message (e.g. a statement's PDF)."""

    __tablename__ = "outbox_attachments"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class Alert(Base):
    """An early-warning alert (预警): one open per customer and rule, closed when it stops."""

    __tablename__ = "alerts"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    rule: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(10))
    code: Mapped[str] = mapped_column(String(64))
    message: Mapped[dict[str, Any]] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(10), default="open")
    opened_on: Mapped[date]
    closed_on: Mapped[date | None]
    ruleset_version: Mapped[int]

    __table_args__ = (Index("ix_alerts_customer_status", "customer_id", "status"),
                      Index("ix_alerts_status_level", "status", "level"))
