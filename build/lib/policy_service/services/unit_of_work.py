"""Unit of work: one transaction per use case; rolls back unless committed."""

from __future__ import annotations

from contextlib import AbstractContextManager
from types import TracebackType

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from policy_service.db.database import Database


class UnitOfWork:
    """Context manager owning a session; `commit()` is explicit, anything else rolls back."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self.session = self.database.session()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # close() rolls back anything uncommitted and detaches the objects with
        # their loaded state intact, so callers can still read what they got.
        self.session.close()

    def commit(self) -> None:
        """Make the work durable."""
        self.session.commit()

    def connection(self) -> AbstractContextManager[Connection]:
        """A Core transaction of its own (commits on success): for the hot paths without the ORM."""
        return self.database.engine.begin()
