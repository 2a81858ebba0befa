"""The admin's users screen: create, change role, reset password, (de)activate — recorded.

Every change is a change record (entity "user"): who, when, what changed from what. A
password is never recorded, only that it was reset. Nobody deactivates or demotes
themselves, so the last admin cannot lock everyone out by accident.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from policy_service.db.models import User
from policy_service.db.models_admin import ChangeRecord
from policy_service.services.access.credentials import USER_ROLES, create_user
from policy_service.services.errors import Invalid, NotFound
from policy_service.services.unit_of_work import UnitOfWork

MIN_PASSWORD = 8


def users(session: Session) -> list[dict[str, Any]]:
    """Every login, by name (read model of the users screen)."""
    return [{"username": u.username, "role": u.role, "active": u.active,
             "created_at": u.created_at}
            for u in session.scalars(select(User).order_by(User.username))]


def add_user(uow: UnitOfWork, username: str, role: str, password: str, actor: str) -> None:
    """A new login (422 for an unknown role or a short password, 409 for a taken name)."""
    username = username.strip()
    if not 1 <= len(username) <= 100:
        raise Invalid("a username has 1 to 100 characters", fields={"username": ["required"]})
    create_user(uow, username, role, password)
    with uow:
        _record(uow.session, username, "created", None, role, actor)
        uow.commit()


def change_role(uow: UnitOfWork, username: str, role: str, actor: str) -> None:
    """Give a login another role."""
    if role not in USER_ROLES:
        raise Invalid(f"role must be one of {', '.join(USER_ROLES)}", fields={"role": ["unknown"]})
    with uow:
        user = _user(uow.session, username)
        if username == actor and role != user.role:
            raise Invalid("you cannot change your own role", fields={"role": ["your own"]})
        if role != user.role:
            _record(uow.session, username, "role", user.role, role, actor)
            user.role = role
        uow.commit()


def set_active(uow: UnitOfWork, username: str, active: bool, actor: str) -> None:
    """Deactivate a login (it can no longer sign in) or activate it again."""
    with uow:
        user = _user(uow.session, username)
        if username == actor and not active:
            raise Invalid("you cannot deactivate yourself", fields={"active": ["your own"]})
        if active != user.active:
            _record(uow.session, username, "active", str(user.active).lower(),
                    str(active).lower(), actor)
            user.active = active
        uow.commit()


def reset_password(uow: UnitOfWork, username: str, password: str, actor: str) -> None:
    """Set a new password for a login (at least 8 characters)."""
    if len(password) < MIN_PASSWORD:
        raise Invalid("password must have at least 8 characters", fields={"password": ["short"]})
    with uow:
        user = _user(uow.session, username)
        user.password_hash = generate_password_hash(password)
        _record(uow.session, username, "password", None, "reset", actor)
        uow.commit()


def _user(session: Session, username: str) -> User:
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound(f"no user {username!r}")
    return user


def _record(session: Session, username: str, field: str, old: str | None, new: str | None,
            actor: str) -> None:
    session.add(ChangeRecord(entity="user", entity_id=username, field=field, old_value=old,
                             new_value=new, changed_by=actor))
