"""Operations tables: the test clock (business dates set with `clock set`, append-only) and
the readiness probe."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from policy_service.db.models import Base
from policy_service.db.types import utcnow


class ClockSetting(Base):
    """One `clock set`: the business date from then on, who set it and when."""

    __tablename__ = "test_clock_settings"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    today: Mapped[date]
    set_by: Mapped[str] = mapped_column(String(100))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReadinessProbe(Base):
    """Never holds a row: /readyz inserts one and rolls back, to prove writes work."""

    __tablename__ = "readiness_probes"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    probed_at: Mapped[datetime] = mapped_column(default=utcnow)
