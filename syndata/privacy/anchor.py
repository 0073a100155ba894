"""The audit log's anchor: its last ``seq`` and ``hash``, kept in the job store.

A log file alone cannot tell that records were deleted from its end, that it was emptied,
deleted or replaced: the anchor, kept outside the file in the job store's
``audit_anchors`` table (one row per log, keyed by ``log_id(path)``, the SHA-256 of the
log's resolved path), can. ``syndata.privacy.audit`` updates it with each append, under
the log's lock, and ``verify`` compares the file with it.

Appending must stay cheap, so this module keeps one engine per process and store URL
(never a full ``JobStore`` per line: that runs the migrations); the table is created once
per process, through the store's migrations, only if it is missing. Every failure is an
``AnchorError``: the audit module logs it and keeps the line.

``syndata.jobs`` is imported lazily, inside functions, so ``syndata.privacy`` and
``syndata.jobs`` never import each other at import time.
"""

from __future__ import annotations

import functools
import hashlib
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from syndata import settings
from syndata.errors import AnchorError, StoreMissing

SQLITE_BUSY_SECONDS = 5.0  # how long an append waits for a busy SQLite store
CONNECT_SECONDS = 3  # how long an append waits to connect to a database server
MAX_ENGINES = 8  # engines kept per process (one per store URL)


@dataclass(frozen=True)
class Anchor:
    """The last record of a log as the job store knows it."""

    seq: int
    hash: str
    updated_at: float

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"


def log_id(path: Path) -> str:
    """The key of a log's anchor: the SHA-256 hex digest of its resolved path."""
    return _log_id(str(path))


@functools.lru_cache(maxsize=256)
def _log_id(path: str) -> str:
    return hashlib.sha256(str(Path(path).expanduser().resolve()).encode("utf-8")).hexdigest()


def read(path: Path, url: str | None = None) -> Anchor | None:
    """The stored anchor of the log at ``path`` (None when there is none yet)."""
    chosen = url or settings.jobs_url()
    if _missing_sqlite_file(chosen):
        raise StoreMissing(f"the job store {_shown(chosen)} does not exist")
    try:
        engine = _engine(chosen, create=False)
        if engine is None:
            return None
        with engine.connect() as conn:
            row = conn.execute(_statements()[0], {"log": log_id(path)}).first()
    except AnchorError:
        raise
    except Exception as exc:  # any driver or file error: the caller decides
        raise AnchorError(_why(chosen, exc)) from exc
    return None if row is None else Anchor(int(row.seq), str(row.hash), float(row.updated_at))


def write(path: Path, seq: int, digest: str, url: str | None = None) -> None:
    """Set the anchor of the log at ``path`` to record ``seq`` with hash ``digest``."""
    chosen = url or settings.jobs_url()
    try:
        # the first record of a log may start a store; a later one never starts one behind
        # the lines already written (the store's integrity check refuses that)
        engine = _engine(chosen, create=True, first=seq <= 1)
        assert engine is not None
        with engine.begin() as conn:
            conn.execute(
                _statements()[1],
                {"log": log_id(path), "seq": int(seq), "hash": digest, "at": time.time()},
            )
    except AnchorError:
        raise
    except Exception as exc:  # any driver or file error: the caller logs it, keeps the line
        raise AnchorError(_why(chosen, exc)) from exc


def forget_engines() -> None:
    """Close the cached engines (tests; a process about to exit)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


# -- engines ------------------------------------------------------------------------------

_lock = threading.Lock()
_engines: OrderedDict[tuple[int, str], Engine] = OrderedDict()
_pid = os.getpid()


def _engine(url: str, *, create: bool, first: bool = False) -> Engine | None:
    """The cached engine of ``url``, its table made sure of; None for a store not there."""
    global _pid
    with _lock:
        if os.getpid() != _pid:  # a forked child: never share the parent's connections
            for inherited in _engines.values():
                inherited.dispose(close=False)
            _engines.clear()
            _pid = os.getpid()
        cached = _engines.get((_pid, url))
        if cached is not None:
            _engines.move_to_end((_pid, url))
            return cached
    if create and _missing_sqlite_file(url):
        _migrate(url, first)  # a fresh store, made by the store (connecting leaves 0 bytes)
    engine = _make_engine(url)
    try:
        if not sa.inspect(engine).has_table("audit_anchors"):
            if not create:
                raise StoreMissing(
                    f"the job store {_shown(url)} has no audit anchors table "
                    "(it is empty, from before anchors, or was replaced)"
                )
            _migrate(url, first)  # through the store's own checks: an emptied one is refused
    except Exception:
        engine.dispose()
        raise
    with _lock:
        _engines[(_pid, url)] = engine
        while len(_engines) > MAX_ENGINES:
            _engines.popitem(last=False)[1].dispose()
    return engine


def _make_engine(url: str) -> Engine:
    """A small engine: short waits, so an unreachable store cannot stall an append."""
    from syndata.io.sqlschema import parse_db_url

    parsed = parse_db_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = sa.create_engine(
            parsed,
            pool_size=2,
            max_overflow=4,
            connect_args={"timeout": SQLITE_BUSY_SECONDS, "check_same_thread": False},
        )

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            # as the job store's own connections: the store is in WAL mode, where NORMAL
            # syncs at checkpoints rather than at every commit (the log line itself is
            # synced before its anchor is written)
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql":
        connect_args["connect_timeout"] = CONNECT_SECONDS
    return sa.create_engine(
        parsed, pool_size=2, max_overflow=4, pool_pre_ping=True, connect_args=connect_args
    )


def _missing_sqlite_file(url: str) -> bool:
    """Whether ``url`` is a SQLite file that does not exist (yet)."""
    parsed = sa.make_url(url)
    database = parsed.database
    return (
        parsed.get_backend_name() == "sqlite"
        and database is not None
        and database not in ("", ":memory:")
        and not Path(database).exists()
    )


def _migrate(url: str, first: bool) -> None:
    """Create the store's tables through its migrations (once per process and URL)."""
    from syndata.jobs.store import JobStore

    JobStore(url, allow_empty=first).dispose()


_STATEMENTS: tuple[Any, Any] | None = None


def _statements() -> tuple[Any, Any]:
    """The SELECT and the upsert, built once from ``syndata.jobs.schema.audit_anchors``.

    Plain SQL that SQLite (3.24 and later) and PostgreSQL both run: a quarter of the cost
    of building the statement each time, which matters on every audit line.
    """
    global _STATEMENTS
    if _STATEMENTS is None:
        from syndata.jobs.schema import audit_anchors as table

        c = table.c
        select = sa.text(
            f"SELECT {c.seq.name}, {c.hash.name}, {c.updated_at.name} "
            f"FROM {table.name} WHERE {c.log.name} = :log"
        )
        upsert = sa.text(
            f"INSERT INTO {table.name} ({c.log.name}, {c.seq.name}, {c.hash.name}, "
            f"{c.updated_at.name}) VALUES (:log, :seq, :hash, :at) "
            f"ON CONFLICT ({c.log.name}) DO UPDATE SET {c.seq.name} = excluded.{c.seq.name}, "
            f"{c.hash.name} = excluded.{c.hash.name}, "
            f"{c.updated_at.name} = excluded.{c.updated_at.name}"
        )
        _STATEMENTS = (select, upsert)
    return _STATEMENTS


def _shown(url: str) -> str:
    """The store's URL without its password."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "SYNDATA_JOBS_URL"


def _why(url: str, exc: Exception) -> str:
    """A short reason naming the store, without its password."""
    if isinstance(exc, AnchorError):
        return str(exc)
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"the job store {_shown(url)} cannot keep the audit anchor: " + (
        reason[0][:300] if reason else type(exc).__name__
    )
