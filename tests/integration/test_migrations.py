"""Migrations: a single head, and the whole chain goes up, down and up again on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from policy_service.db.database import Database, alembic_config
from policy_service.db.models import Base
from tests.databases import BACKENDS, throwaway_database


def test_the_migrations_have_exactly_one_head() -> None:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, f"several heads {heads}: add a merge migration"


def _tables(database: Database) -> set[str]:
    return set(inspect(database.engine).get_table_names()) - {"alembic_version"}


def _revisions(database: Database) -> set[str]:
    with database.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return set()
        return {row[0] for row in connection.exec_driver_sql(
            "SELECT version_num FROM alembic_version")}


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_to_head_then_downgrade_to_base_then_upgrade_again(backend: str,
                                                                  tmp_path: Path) -> None:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with throwaway_database(backend, tmp_path) as url:
        database = Database(url)
        try:
            database.migrate()
            assert _revisions(database) == {head}
            assert _tables(database) == set(Base.metadata.tables)
            database.downgrade("base")
            assert _tables(database) == set() and _revisions(database) == set()
            database.migrate()
            assert _revisions(database) == {head}
            assert _tables(database) == set(Base.metadata.tables)
        finally:
            database.dispose()


def test_a_database_left_at_the_three_old_heads_upgrades_to_the_merge(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        for branch_head in ("0002", "0003", "0004"):  # where `migrate` left it before 0005
            database.migrate(branch_head)
        assert _revisions(database) == {"0002", "0003", "0004"}
        database.migrate()
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert _revisions(database) == {head}
    finally:
        database.dispose()
