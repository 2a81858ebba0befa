"""SQLite writers queue on an OS lock file, held for exactly one transaction."""

from __future__ import annotations

import fcntl
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from policy_service.db.database import Database


def _lock_is_free(path: Path) -> bool:
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


@pytest.fixture
def database(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'policy.db'}")
    with database.engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
    yield database
    database.dispose()


def test_a_transaction_holds_the_writer_lock_until_it_commits(
    database: Database, tmp_path: Path
) -> None:
    lock = tmp_path / "policy.db-writer.lock"
    with database.engine.begin() as connection:
        connection.execute(text("INSERT INTO t VALUES (1)"))
        assert not _lock_is_free(lock)
    assert _lock_is_free(lock)


def test_a_connection_kept_between_transactions_does_not_keep_the_lock(
    database: Database, tmp_path: Path
) -> None:
    # The daily run commits per batch on one connection: credit checks must get in
    # between its batches, not wait for the whole run.
    lock = tmp_path / "policy.db-writer.lock"
    with database.engine.connect() as connection:
        with connection.begin():
            connection.execute(text("INSERT INTO t VALUES (1)"))
        assert _lock_is_free(lock)
        with connection.begin():
            connection.execute(text("INSERT INTO t VALUES (2)"))
            assert not _lock_is_free(lock)
        assert _lock_is_free(lock)


def test_a_failed_transaction_lets_go_of_the_writer_lock(
    database: Database, tmp_path: Path
) -> None:
    with pytest.raises(ZeroDivisionError), database.engine.begin() as connection:
        connection.execute(text("INSERT INTO t VALUES (1)"))
        raise ZeroDivisionError
    assert _lock_is_free(tmp_path / "policy.db-writer.lock")
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM t")).scalar() == 0


def test_a_second_process_waits_for_the_first_and_then_sees_its_write(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'policy.db'}"
    first, second = Database(url), Database(url)  # two engines, as two workers have
    with first.engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
    seen: list[int] = []
    entered = threading.Event()

    def other_writer() -> None:
        with second.engine.begin() as connection:
            entered.set()
            seen.append(connection.execute(text("SELECT count(*) FROM t")).scalar_one())

    with first.engine.begin() as connection:
        connection.execute(text("INSERT INTO t VALUES (1)"))
        thread = threading.Thread(target=other_writer)
        thread.start()
        assert not entered.wait(0.3)
    thread.join(timeout=10)
    assert seen == [1]
    first.dispose()
    second.dispose()


def test_a_second_transaction_in_the_thread_holding_the_lock_fails_instead_of_hanging(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'policy.db'}"
    first, second = Database(url), Database(url)
    with first.engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
    outcome: list[str] = []

    def nested() -> None:
        with first.engine.begin() as outer:
            outer.execute(text("INSERT INTO t VALUES (1)"))
            inner = second.engine.connect()
            inner.connection.driver_connection.execute("PRAGMA busy_timeout=100")  # not 30 s
            try:
                inner.begin()
            except OperationalError as exc:
                outcome.append(str(exc.orig))
            finally:
                inner.close()

    thread = threading.Thread(target=nested, daemon=True)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive(), "the second transaction waited for its own thread"
    assert outcome == ["database is locked"]
    first.dispose()
    second.dispose()
