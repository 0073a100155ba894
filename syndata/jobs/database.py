"""The service database: one engine, transactions and migrations, shared by every store.

Jobs (``syndata.jobs.store``), API keys (``syndata.access.keys``) and the audit anchor
live in one database: SQLAlchemy on SQLite (default, under the data folder) or PostgreSQL
(``SYNDATA_JOBS_URL``). Opening a ``Database`` checks it (``syndata.jobs.integrity``),
then creates or upgrades its tables with the Alembic migrations, once per process group.

Writers take the write lock up front (``tx``); readers (``connect``) read beside them.
A forked child gets its own connections on first use.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from syndata import settings
from syndata.jobs import integrity

MIGRATION_LOCK_ID = 724101  # the PostgreSQL advisory lock held while migrating


def iso(stamp: float | None) -> str | None:
    """A stored timestamp (seconds since the epoch) as ISO-8601 UTC; None stays None."""
    return None if stamp is None else datetime.fromtimestamp(stamp, UTC).isoformat()


class Database:
    """The engine of the service database, its transactions and its migrations."""

    def __init__(
        self, url: str | None = None, *, allow_empty: bool = False, deep_check: bool = False
    ) -> None:
        """Open (creating or upgrading) the database at ``url`` (the settings' when None).

        The database is checked first (``syndata.jobs.integrity``): an empty one behind
        earlier use of the data folder, or an unreadable one, raises StoreError unless
        ``allow_empty`` (``syndata serve --new-store``); ``deep_check`` also scans a
        SQLite file for corruption (at server start).
        """
        self.url = url or settings.jobs_url()
        integrity.check(self.url, allow_empty=allow_empty, deep=deep_check)
        self._pid = os.getpid()
        self._engine = self._make_engine()
        self._migrate()

    def _make_engine(self) -> Engine:
        from syndata.io.sqlschema import parse_db_url

        url = parse_db_url(self.url)
        if url.get_backend_name() != "sqlite":
            return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(
            url,
            connect_args={"timeout": 60, "check_same_thread": False},
            pool_size=5,
            max_overflow=20,
        )
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine

    @property
    def engine(self) -> Engine:
        """The engine of this process (a forked child gets its own connections)."""
        if os.getpid() != self._pid:
            self._engine.dispose(close=False)
            self._engine = self._make_engine()
            self._pid = os.getpid()
        return self._engine

    def connect(self) -> Connection:
        """A connection for reading (use it as a context manager)."""
        return self.engine.connect()

    @contextlib.contextmanager
    def tx(self) -> Iterator[Connection]:
        """One write transaction, holding the write lock from its start."""
        with self.engine.connect() as conn:
            conn.execution_options(immediate=True)
            with conn.begin():
                yield conn

    def dispose(self) -> None:
        """Close every pooled connection."""
        self._engine.dispose()

    def _migrate(self) -> None:
        from alembic import command
        from alembic.config import Config as AlembicConfig

        cfg = AlembicConfig()
        cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        cfg.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        with self._migration_lock(), self.tx() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_ID})")
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    @contextlib.contextmanager
    def _migration_lock(self) -> Iterator[None]:
        """A file lock next to a SQLite file, so processes starting together migrate once."""
        url = sa.make_url(self.url)
        if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
            yield
            return
        lock_path = Path(url.database).with_suffix(".migrate.lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _sqlite_pragmas(
    dbapi_connection: sa.engine.interfaces.DBAPIConnection, _record: object
) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=60000")
    cursor.close()
    dbapi_connection.isolation_level = None  # BEGIN is ours (see _sqlite_begin)


def _sqlite_begin(conn: Connection) -> None:
    # writers take the write lock up front (no lock upgrade deadlocks); readers stay
    # deferred and read beside writers (WAL)
    immediate = conn.get_execution_options().get("immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
