"""API keys for other systems and admin-UI users: creation and authentication."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from policy_service.db.models import ApiKey, User
from policy_service.db.types import utcnow
from policy_service.services.errors import Conflict, Invalid
from policy_service.services.unit_of_work import UnitOfWork

API_ROLES = ("order_system", "risk_manager", "auditor", "sales")
USER_ROLES = ("admin", "risk_manager", "auditor", "sales")
KEY_PREFIX = "ps_"


@dataclass(frozen=True)
class Principal:
    """Who is calling: a key's or a user's name and role."""

    name: str
    role: str


def hash_key(key: str) -> str:
    """Keys are 256-bit random tokens, so a plain SHA-256 is a safe lookup hash."""
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_key(uow: UnitOfWork, name: str, role: str) -> str:
    """Create a key; returns the key itself, which is never stored."""
    if role not in API_ROLES:
        raise Invalid(f"role must be one of {', '.join(API_ROLES)}", fields={"role": ["unknown"]})
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with uow:
        uow.session.add(ApiKey(name=name, role=role, key_hash=hash_key(key), prefix=key[:10]))
        uow.commit()
    return key


def revoke_keys(uow: UnitOfWork, *, name_prefix: str) -> int:
    """Revoke every live key whose name starts with `name_prefix`; returns how many."""
    with uow:
        keys = uow.session.scalars(select(ApiKey).where(
            ApiKey.name.startswith(name_prefix), ApiKey.revoked_at.is_(None))).all()
        for key in keys:
            key.revoked_at = utcnow()
        uow.commit()
        return len(keys)


def authenticate_key(uow: UnitOfWork, key: str) -> Principal | None:
    """The principal for a live key, else None."""
    with uow:
        row = uow.session.scalars(
            select(ApiKey).where(ApiKey.key_hash == hash_key(key), ApiKey.revoked_at.is_(None))
        ).one_or_none()
        return Principal(name=row.name, role=row.role) if row else None


def create_user(uow: UnitOfWork, username: str, role: str, password: str) -> User:
    """Create an admin-UI login with a hashed password."""
    if role not in USER_ROLES:
        raise Invalid(f"role must be one of {', '.join(USER_ROLES)}", fields={"role": ["unknown"]})
    if len(password) < 8:
        raise Invalid("password must have at least 8 characters", fields={"password": ["short"]})
    with uow:
        if uow.session.scalars(select(User).where(User.username == username)).first():
            raise Conflict(f"user {username!r} exists")
        user = User(username=username, role=role, password_hash=generate_password_hash(password))
        uow.session.add(user)
        uow.commit()
        return user


def check_user_password(uow: UnitOfWork, username: str, password: str) -> User | None:
    """The user if the password matches."""
    with uow:
        user = uow.session.scalars(select(User).where(User.username == username)).first()
        if user and user.active and check_password_hash(user.password_hash, password):
            return user
        return None


def set_password(uow: UnitOfWork, username: str, role: str, password: str) -> User:
    """Create or reset a login (used for the demo logins of `serve --demo`)."""
    with uow:
        user = uow.session.scalars(select(User).where(User.username == username)).first()
        if user is None:
            user = User(username=username, role=role, password_hash="")
            uow.session.add(user)
        user.role = role
        user.active = True
        user.password_hash = generate_password_hash(password)
        uow.commit()
        return user


def get_user(uow: UnitOfWork, user_id: int) -> User | None:
    """An active login by its id (Flask-Login's user loader), or None."""
    with uow:
        user = uow.session.get(User, user_id)
        return user if user is not None and user.active else None


def set_locale(uow: UnitOfWork, user_id: int, locale: str) -> None:
    """Remember a login's chosen language (nothing happens for an unknown id)."""
    with uow:
        row = uow.session.get(User, user_id)
        if row is not None:
            row.locale = locale
        uow.commit()
