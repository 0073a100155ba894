"""The job store's integrity check, run before the store is connected or migrated.

An empty job store (a SQLite file of 0 bytes, a missing file, a database without the
store's tables) is normal on first use. It is not when the data folder shows earlier use:
uploaded files, job outputs or audit lines mean the store that knew them was emptied,
deleted or replaced, and creating a fresh one behind them would lose every job and key
without a word. Then ``check`` raises a ``StoreError`` naming the file and the ways out:
restore it from a backup, or start empty on purpose (``syndata serve --new-store``).

An unreadable or corrupt store gets the same kind of message (never a driver traceback).
With ``allow_empty`` a corrupt SQLite file is moved aside (``jobs.db.broken-<time>``, with
its ``-wal``/``-shm``) rather than deleted, so nothing stored is lost.

Reads only: a connection here never writes, so the file checked keeps its bytes.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from syndata import settings
from syndata.errors import StoreError

STORE_TABLE = "jobs"  # the table every version of the store has
NEW_STORE_FLAG = "syndata serve --new-store"


@dataclass(frozen=True)
class StoreState:
    """What the store holds: ``empty`` (no tables yet) or ``ok``."""

    empty: bool


def check(url: str | None = None, *, allow_empty: bool = False, deep: bool = False) -> StoreState:
    """Check the store at ``url`` before it is used; raise StoreError when it must not be.

    ``deep`` also runs SQLite's ``quick_check`` (a pass over the file: at server start,
    not on every command).
    """
    chosen = url or settings.jobs_url()
    path = _sqlite_path(chosen)
    if path is not None:
        try:
            empty = _sqlite_empty(path, deep=deep)
        except StoreError:
            if not allow_empty:
                raise
            aside = move_aside(path)
            _warn_moved(path, aside)
            return StoreState(empty=True)
    else:
        empty = _server_empty(chosen)
    if empty and not allow_empty:
        used = earlier_use()
        if used:
            raise StoreError(
                f"the job store {_shown(chosen)} is empty, but {SYNDATA_HOME_NAME} "
                f"({settings.home()}) shows earlier use ({'; '.join(used)}): starting a new "
                "store would lose every job, key and audit anchor. Restore the store from "
                f"a backup, or start with an empty store on purpose: {NEW_STORE_FLAG}"
            )
    return StoreState(empty=empty)


SYNDATA_HOME_NAME = "the data folder"


def earlier_use() -> list[str]:
    """What in the data folder shows the installation was used before (empty: nothing)."""
    home = settings.home()
    found: list[str] = []
    log = settings.audit_log_path()
    try:
        if log.is_file() and log.stat().st_size > 0:
            found.append(f"audit log {log.name} has records")
    except OSError:
        pass
    for name, what in (("uploads", "uploaded files"), ("jobs", "job outputs")):
        folder = home / name
        try:
            if folder.is_dir() and any(folder.iterdir()):
                found.append(f"{name}/ holds {what}")
        except OSError:
            continue
    return found


def move_aside(path: Path) -> Path:
    """Rename a broken SQLite store (and its -wal/-shm) to ``<name>.broken-<time>``."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.broken-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(target.with_name(target.name + suffix))
    return target


def _warn_moved(path: Path, aside: Path) -> None:
    import logging

    logging.getLogger("syndata.jobs").warning(
        "the job store %s was unreadable; it was moved aside to %s and a new store is started",
        path.name,
        aside.name,
    )


def _sqlite_path(url: str) -> Path | None:
    try:
        parsed = sa.make_url(url)
    except Exception:
        return None
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database)


def _sqlite_empty(path: Path, *, deep: bool) -> bool:
    """Whether the SQLite store has no tables yet; StoreError when it cannot be read."""
    if not path.exists() or (path.stat().st_size == 0 and not _has_wal(path)):
        return True
    try:
        # a plain connection that only reads: it sees what the -wal holds, writes nothing
        conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=30)
        try:
            names = {
                row[0]
                for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            if deep and names:
                result = conn.execute("PRAGMA quick_check").fetchone()
                if result is None or result[0] != "ok":
                    raise sqlite3.DatabaseError(str(result[0] if result else "no answer"))
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise StoreError(
            f"the job store {path} cannot be read ({str(exc).splitlines()[0][:200]}). "
            "Stop every syndata process, then restore the store from a backup, or move it "
            f"aside and start with an empty store on purpose: {NEW_STORE_FLAG} (which "
            "keeps the broken file as jobs.db.broken-<time>)"
        ) from None
    return STORE_TABLE not in names


def _has_wal(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    return wal.exists() and wal.stat().st_size > 0


def _server_empty(url: str) -> bool:
    from syndata.io.sqlschema import parse_db_url

    try:
        engine = sa.create_engine(parse_db_url(url))
        try:
            return not sa.inspect(engine).has_table(STORE_TABLE)
        finally:
            engine.dispose()
    except Exception as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        raise StoreError(
            f"the job store {_shown(url)} cannot be reached or read "
            f"({reason[0][:200] if reason else type(exc).__name__}); check SYNDATA_JOBS_URL "
            "and that the database server is up"
        ) from None


def _shown(url: str) -> str:
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "SYNDATA_JOBS_URL"
