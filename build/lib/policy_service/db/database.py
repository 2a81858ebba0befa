"""Engine and session factory: SQLite serialized writes, PostgreSQL row locks, migrations."""

from __future__ import annotations

import fcntl
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"
IDLE_BEFORE_PING = 2.0  # seconds a pooled connection may sit unused before it is pinged


class Database:
    """One engine and its session factory for one database URL."""

    def __init__(self, url: str, *, statement_timeout: float = 0, **engine_options: Any) -> None:
        self.url = url
        self.engine = make_engine(url, statement_timeout=statement_timeout, **engine_options)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        """True on the embedded default."""
        return self.engine.dialect.name == "sqlite"

    def session(self) -> Session:
        """A new session; callers own commit/rollback (see services.unit_of_work)."""
        return self.sessions()

    def migrate(self, target: str = "head") -> None:
        """Create or upgrade the schema to the newest migration (the single head)."""
        config = alembic_config()
        with self.engine.begin() as connection:
            _no_statement_timeout(connection)
            config.attributes["connection"] = connection
            command.upgrade(config, target)

    def downgrade(self, target: str = "base") -> None:
        """Undo migrations down to ``target`` ("base": an empty schema)."""
        config = alembic_config()
        with self.engine.begin() as connection:
            _no_statement_timeout(connection)
            config.attributes["connection"] = connection
            command.downgrade(config, target)

    def dispose(self) -> None:
        """Close pooled connections (e.g. after fork)."""
        self.engine.dispose()


def alembic_config() -> Config:
    """Alembic configuration pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _no_statement_timeout(connection: Any) -> None:
    """Migrations may rewrite big tables: no statement limit inside their transaction."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
    else:
        connection.info[_UNLIMITED_KEY] = True


def make_engine(url: str, *, statement_timeout: float = 0, **options: Any) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE.

    Every connection gets ``statement_timeout`` (seconds; 0: none), so a database that
    stops answering (a lock held elsewhere, a stuck server process, a runaway query)
    turns into an error the API answers with 503 within that time instead of hanging
    until gunicorn kills the worker. PostgreSQL enforces it itself; on SQLite it bounds
    the wait for the writer lock and each statement (a progress handler interrupts it).
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, **options)
        _serialize_sqlite_writes(engine, statement_timeout)
        _limit_sqlite_statements(engine, statement_timeout)
        return engine
    options.setdefault("pool_size", 5)
    options.setdefault("max_overflow", 5)
    options.setdefault("pool_timeout", 5)
    connect_args: dict[str, Any] = {"connect_timeout": 3}  # psycopg connect() keywords
    if statement_timeout:
        connect_args["options"] = f"-c statement_timeout={int(statement_timeout * 1000)}"
    options.setdefault("connect_args", connect_args)
    engine = create_engine(url, **options)
    if not options.get("pool_pre_ping"):
        _ping_idle_connections(engine)
    return engine


def _ping_idle_connections(engine: Engine, idle_seconds: float = IDLE_BEFORE_PING) -> None:
    """Ping a pooled connection on checkout only when it sat idle, not before every use.

    pool_pre_ping costs a round trip per transaction; a busy worker's connection was
    used milliseconds ago. A connection that dies while in use is invalidated by
    SQLAlchemy with the rest of the pool, and the credit check retries once
    (services.credit_checks), which its order_id makes safe.
    """

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < idle_seconds:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # whatever the driver raises, the connection is gone
            raise DisconnectionError(str(exc)) from exc
        if not alive:
            raise DisconnectionError("the connection did not answer a ping")


_DEADLINE_KEY = "policy_service.statement_deadline"
_UNLIMITED_KEY = "policy_service.no_statement_timeout"
_PROGRESS_EVERY = 20_000  # SQLite VM instructions between two looks at the clock


def _limit_sqlite_statements(engine: Engine, timeout: float) -> None:
    """Interrupt a SQLite statement that runs longer than ``timeout`` seconds (0: never)."""
    if not timeout:
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        deadline = record.info[_DEADLINE_KEY] = [0.0]
        dbapi_connection.set_progress_handler(
            lambda: deadline[0] and time.monotonic() > deadline[0], _PROGRESS_EVERY)

    @event.listens_for(engine, "before_cursor_execute")
    def _on_execute(connection: Any, *_args: Any) -> None:
        deadline = connection.info.get(_DEADLINE_KEY)
        if deadline is not None:
            unlimited = connection.info.get(_UNLIMITED_KEY)
            deadline[0] = 0.0 if unlimited else time.monotonic() + timeout

    @event.listens_for(engine, "reset")
    def _on_reset(_dbapi_connection: Any, record: Any, _state: Any) -> None:
        record.info.pop(_UNLIMITED_KEY, None)


def _serialize_sqlite_writes(engine: Engine, timeout: float = 0) -> None:
    """Every SQLite transaction takes the write lock up front (BEGIN IMMEDIATE).

    SQLite ignores SELECT ... FOR UPDATE, so this is what makes the exposure check
    and the reservation atomic across threads and worker processes.

    Writers first queue on an OS file lock beside the database. SQLite's own busy
    handler polls with sleeps that grow to 100 ms, so under load a waiter could sleep
    long after the lock was free (checks saw p99 of 0.4–0.6 s at saturation); a
    blocked flock() wakes as soon as the holder lets go.
    """
    lock_path = _write_lock_path(engine)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let us emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(timeout * 1000) if timeout else 30000}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        _acquire(connection.info, lock_path, timeout)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _release(connection.info)
            raise

    # Released as the transaction ends (just before its COMMIT or ROLLBACK is sent; the
    # next writer's BEGIN IMMEDIATE waits out the rest in SQLite's busy handler).
    def _on_end(connection: Any) -> None:
        _release(connection.info)

    event.listen(engine, "commit", _on_end)
    event.listen(engine, "rollback", _on_end)

    @event.listens_for(engine, "reset")
    def _on_reset(_dbapi_connection: Any, record: Any, _state: Any) -> None:
        _release(record.info)

    @event.listens_for(engine, "close")
    def _on_close(_dbapi_connection: Any, record: Any) -> None:
        _release(record.info)
        lock = record.info.pop(_LOCK_KEY, None)
        if lock is not None:
            lock.close()


_LOCK_KEY = "policy_service.writer_lock"
_HOLDS_KEY = "policy_service.holds_writer_lock"


class _ThreadHolds(threading.local):
    """How many of this thread's connections hold the writer lock (0 in a new thread)."""

    count: int = 0


_held_by_thread = _ThreadHolds()


def _write_lock_path(engine: Engine) -> str | None:
    """A file beside the database; None for an in-memory database (one process only)."""
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return f"{database}-writer.lock"


def _acquire(info: dict[str, Any], lock_path: str | None, timeout: float = 0) -> None:
    """Wait for the writer lock, unless this thread already holds it on another connection.

    A second transaction opened by the thread that holds the lock must not wait for
    itself for ever: it goes straight to BEGIN IMMEDIATE, whose busy timeout ends in
    "database is locked", as it did before the lock file.
    """
    if lock_path is None or _held_by_thread.count:
        return
    lock = info.get(_LOCK_KEY)
    if lock is None:
        lock = info[_LOCK_KEY] = open(lock_path, "a+b")  # noqa: SIM115 - lives with the connection
    if timeout:
        _flock_within(lock, timeout)
    else:
        fcntl.flock(lock, fcntl.LOCK_EX)
    info[_HOLDS_KEY] = True
    _held_by_thread.count += 1


def _flock_within(lock: Any, timeout: float) -> None:
    """Take the lock, polling every millisecond or two, or raise after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    pause = 0.0005
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise OperationalError(
                    "BEGIN IMMEDIATE", None, sqlite3.OperationalError(
                        f"database is locked: no writer turn within {timeout:g} s")) from None
            time.sleep(pause)
            pause = min(pause * 2, 0.002)


def _release(info: dict[str, Any]) -> None:
    if info.pop(_HOLDS_KEY, False):
        fcntl.flock(info[_LOCK_KEY], fcntl.LOCK_UN)
        _held_by_thread.count = max(_held_by_thread.count - 1, 0)
