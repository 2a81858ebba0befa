"""The business date: "today" in POLICY_TIMEZONE, or the test clock's date.

Every use case that needs today is given it by its caller, who asks this clock. With
POLICY_TEST_CLOCK=1, `policy-service clock set YYYY-MM-DD` stores a business date in the
database (one row per setting, never overwritten), and every process on that database —
server workers and commands alike — uses it from its next request or command. Without
the test clock, setting it is refused and the real date in the time zone is used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from policy_service.db.models_clock import ClockSetting
from policy_service.domain.bounds import date_problem
from policy_service.services.errors import Conflict
from policy_service.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class BusinessClock:
    """Today for this process: the time zone's date, or the stored test-clock date."""

    uow: Callable[[], UnitOfWork]
    timezone: str = "UTC"
    test_clock: bool = False
    now: Callable[[], datetime] = lambda: datetime.now(UTC)

    def real_today(self) -> date:
        """The date it is now in the business time zone."""
        return self.now().astimezone(ZoneInfo(self.timezone)).date()

    def today(self) -> date:
        """The business date: the latest `clock set` when the test clock is on."""
        if self.test_clock:
            with self.uow() as uow:
                stored = uow.session.scalar(select(ClockSetting.today)
                                            .order_by(ClockSetting.id.desc()).limit(1))
            if stored is not None:
                return stored
        return self.real_today()

    def set(self, day: date, actor: str) -> date:
        """Move the business date (test clock only); returns it."""
        if not self.test_clock:
            raise Conflict("the test clock is off: start the service and commands with "
                           "POLICY_TEST_CLOCK=1 to set the business date")
        problem = date_problem(day)
        if problem:
            raise Conflict(f"the business date: {problem}")
        with self.uow() as uow:
            uow.session.add(ClockSetting(today=day, set_by=actor))
            uow.commit()
        return day
