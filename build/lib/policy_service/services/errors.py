"""Service errors with stable machine codes; the HTTP layer maps them to status codes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from policy_service.domain.money import digits_problem


class ServiceError(Exception):
    """Base: a stable `code`, a human `message` and optional per-field details."""

    code = "error"

    def __init__(self, message: str, *, fields: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotFound(ServiceError):
    """An unknown id."""

    code = "not_found"


class Conflict(ServiceError):
    """A reused idempotency key with another body, or a state that forbids the change."""

    code = "conflict"


class Invalid(ServiceError):
    """Well-formed but invalid input (negative amount, unknown tier, wrong currency…)."""

    code = "invalid"


class Unauthorized(ServiceError):
    """No credentials, or credentials nobody knows."""

    code = "unauthorized"


class Forbidden(ServiceError):
    """Authenticated, but this role or person may not do this."""

    code = "forbidden"


class Unavailable(ServiceError):
    """A dependency (the database, a rule set) cannot serve right now."""

    code = "unavailable"


# The database's own failures, classified here so the edges need not import SQLAlchemy.
DATABASE_ERRORS: tuple[type[Exception], ...] = (DBAPIError, PoolTimeout)


def database_unavailable(error: BaseException) -> bool:
    """True when ``error`` means the database cannot be reached (503), not a bug (500)."""
    if isinstance(error, OperationalError | PoolTimeout):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def database_refusal(error: BaseException) -> tuple[int, str, str] | None:
    """(status, code, message) when the database refused a value or a change, else None.

    A constraint the request ran into is a 409; a value the column cannot hold (numeric
    overflow, text it cannot store) is a 422. Anything else is an outage or a bug.
    """
    if isinstance(error, IntegrityError):
        return 409, "conflict", "the change conflicts with data already stored"
    if isinstance(error, DataError):
        return 422, "invalid", "a value does not fit what the database can store"
    return None


def require_currency_digits(currency: str, **amounts: object) -> None:
    """Invalid (422) naming every amount with more decimals than ``currency`` allows."""
    problems = {name: [problem] for name, value in amounts.items()
                if isinstance(value, Decimal) and (problem := digits_problem(value, currency))}
    if problems:
        raise Invalid("; ".join(f"{name}: {text[0]}" for name, text in problems.items()),
                      fields=problems)
