"""Throwaway databases for tests: a SQLite file, or a uniquely named PostgreSQL database."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_ADMIN_URL = os.environ.get(
    "POLICY_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ("sqlite", "postgresql")


def _pg_unreachable_reason() -> str | None:
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any failure to connect means "unreachable"
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    return None


_PG_PROBLEM: list[str | None] = []


def require_postgres() -> None:
    """Skip (or, under CI=true, fail) when PostgreSQL is unreachable."""
    if not _PG_PROBLEM:
        _PG_PROBLEM.append(_pg_unreachable_reason())
    problem = _PG_PROBLEM[0]
    if problem is None:
        return
    message = f"PostgreSQL at {make_url(PG_ADMIN_URL).render_as_string()} unreachable: {problem}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI=true: the PostgreSQL tests must run)", pytrace=False)
    pytest.skip(message)


@contextmanager
def throwaway_database(backend: str, tmp_dir: Path) -> Iterator[str]:
    """Yield the URL of a new, empty database of `backend`; drop it afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_dir / f'policy-{uuid.uuid4().hex[:8]}.db'}"
        return
    require_postgres()
    name = f"policy_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
