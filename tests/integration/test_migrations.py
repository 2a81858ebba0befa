"""Migrations: a single head, and the whole chain goes up, down and up again on both databases."""

from __future__ import annotations

from decimal import Decimal
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


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_credit_note_that_lowered_the_invoice_becomes_a_record_of_its_own(
        backend: str, tmp_path: Path) -> None:
    """0017c: before it, a credit note lowered ``invoices.amount`` in place."""
    with throwaway_database(backend, tmp_path) as url:
        database = Database(url)
        try:
            database.migrate("0013")
            with database.engine.begin() as connection:
                for statement in (
                    "INSERT INTO tiers (code, name_en, name_zh, payment_term_days,"
                    " review_interval_months, grace_days, rank) VALUES ('T', 'T', 'T', 30, 12,"
                    " 0, 9)",
                    "INSERT INTO customers (id, name, tier_code, credit_limit, currency, status,"
                    " collateral_amount, next_review_date, created_at, updated_at) VALUES"
                    " ('C-1', 'Acme', 'T', 100000, 'CNY', 'active', 0, '2027-01-01',"
                    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                    "INSERT INTO invoices (id, customer_id, amount, currency, issue_date,"
                    " due_date, principal_paid, penalty_accrued, penalty_waived, penalty_paid,"
                    " reservation_consumed, status, request_hash, created_at) VALUES ('INV-1',"
                    " 'C-1', 600, 'CNY', '2026-01-01', '2026-02-01', 0, 0, 0, 0, 0, 'open',"
                    " 'h', CURRENT_TIMESTAMP)",
                    "INSERT INTO disputes (id, invoice_id, customer_id, amount, reason, status,"
                    " opened_on, opened_by, request_hash, resolved_on, resolved_by,"
                    " in_favour_of, credit_note_amount, resolution_note, created_at) VALUES"
                    " ('D-1', 'INV-1', 'C-1', 400, 'short', 'resolved', '2026-02-05', 'erp',"
                    " 'h', '2026-02-10', 'risk1', 'customer', 400, 'never arrived',"
                    " CURRENT_TIMESTAMP)",
                    "INSERT INTO invoice_adjustments (invoice_id, kind, amount, actor, note, at)"
                    " VALUES ('INV-1', 'credit_note', 400, 'risk1', 'dispute D-1',"
                    " CURRENT_TIMESTAMP)",
                ):
                    connection.exec_driver_sql(statement)
            database.migrate("0017c")
            with database.engine.connect() as connection:
                invoice = connection.exec_driver_sql(
                    "SELECT amount, credited FROM invoices").one()
                notes = connection.exec_driver_sql(
                    "SELECT invoice_id, dispute_id, amount, issued_on, issued_by, reason"
                    " FROM credit_notes").all()
                kinds = connection.exec_driver_sql(
                    "SELECT kind FROM invoice_adjustments").all()
            assert (Decimal(invoice[0]), Decimal(invoice[1])) == (Decimal(1000), Decimal(400))
            ((invoice_id, dispute_id, amount, issued_on, issued_by, reason),) = notes
            assert (invoice_id, dispute_id, Decimal(amount), str(issued_on), issued_by,
                    reason) == ("INV-1", "D-1", Decimal(400), "2026-02-10", "risk1",
                                "never arrived")
            assert kinds == []
            database.downgrade("0013")
            with database.engine.connect() as connection:
                assert Decimal(connection.exec_driver_sql(
                    "SELECT amount FROM invoices").scalar_one()) == Decimal(600)
        finally:
            database.dispose()
