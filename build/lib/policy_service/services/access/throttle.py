"""The admin login, throttled: too many wrong passwords lock a username or an address.

Five wrong passwords for one username within 15 minutes lock that username, and twenty
from one address lock that address, until the oldest failure in the window is 15 minutes
old. While locked the password is not even checked, so guessing on costs nothing but
time. A right password clears the username's failures. Failures are rows in the database,
so every server worker and process counts the same ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select

from policy_service.db.models import User
from policy_service.db.models_admin import LoginFailure
from policy_service.services.access.credentials import check_user_password
from policy_service.services.unit_of_work import UnitOfWork

WINDOW = timedelta(minutes=15)
USERNAME_LIMIT = 5
ADDRESS_LIMIT = 20
KEEP = timedelta(days=1)


@dataclass(frozen=True)
class LoginLocked(Exception):
    """Too many failures: the login opens again after ``minutes``."""

    minutes: int


def _locked_until(uow: UnitOfWork, where: ColumnElement[bool], limit: int,
                  now: datetime) -> datetime | None:
    recent = (select(LoginFailure.failed_at).where(where, LoginFailure.failed_at > now - WINDOW)
              .order_by(LoginFailure.failed_at.desc()).limit(limit))
    times = list(uow.session.scalars(recent))
    return times[-1] + WINDOW if len(times) >= limit else None


def log_in(uow: UnitOfWork, username: str, password: str, address: str,
           now: datetime) -> User | None:
    """The user when the password is right; None when wrong; LoginLocked while locked."""
    address = address[:64]
    with uow:
        until = [t for t in (
            _locked_until(uow, LoginFailure.username == username, USERNAME_LIMIT, now),
            _locked_until(uow, LoginFailure.address == address, ADDRESS_LIMIT, now)) if t]
    if until:
        raise LoginLocked(max(1, math.ceil((max(until) - now).total_seconds() / 60)))
    user = check_user_password(uow, username, password)
    with uow:
        if user is None:
            uow.session.execute(delete(LoginFailure).where(LoginFailure.failed_at < now - KEEP))
            uow.session.add(LoginFailure(username=username[:100], address=address,
                                         failed_at=now))
        else:
            uow.session.execute(delete(LoginFailure).where(LoginFailure.username == username))
        uow.commit()
    return user


def failures(uow: UnitOfWork, username: str) -> int:
    """How many failures of ``username`` are on record (for the screens and tests)."""
    with uow:
        return int(uow.session.scalar(select(func.count()).select_from(LoginFailure)
                                      .where(LoginFailure.username == username)) or 0)
