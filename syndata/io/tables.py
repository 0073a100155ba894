"""Multi-table reading: a folder of files or a database, with its declared foreign keys.

``read_tables(source)`` gives one frame per table and, for a database, the single-column
foreign keys declared between the tables read (``syndata.relations`` detects the rest).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import URL
from sqlalchemy.engine.interfaces import ReflectedForeignKeyConstraint
from sqlalchemy.exc import SQLAlchemyError

from syndata.errors import DataReadError, OutputError
from syndata.io.database import db_message
from syndata.io.readers import EXTENSIONS, read_table
from syndata.io.sqlschema import connect_engine, display_url, parse_db_url
from syndata.metadata import Relationship


def read_tables(
    source: str | Path, *, tables: list[str] | None = None
) -> tuple[dict[str, pd.DataFrame], list[Relationship]]:
    """Read the tables of a folder of files or of a database, with its declared foreign keys.

    A folder holds one file per table (``.csv``, ``.parquet``/``.pq``, ``.json``,
    ``.jsonl``; the table name is the file stem; other files are ignored) and declares no
    relationships. A database URL (anything with ``://``) yields every table, or the ones
    named in ``tables``, and its single-column foreign keys between the tables read.
    """
    if "://" in str(source):
        return _read_database(str(source), tables)
    return _read_folder(Path(source), tables), []


def _read_folder(folder: Path, tables: list[str] | None) -> dict[str, pd.DataFrame]:
    files = _table_files(folder)
    names = _select(list(files), tables, str(folder))
    return {name: read_table(files[name]).to_pandas() for name in names}


def _table_files(folder: Path) -> dict[str, Path]:
    """The table files of ``folder`` by table name (file stem), sorted by name."""
    if not folder.exists():
        raise DataReadError(f"cannot read {folder}: no such folder; check the path")
    if not folder.is_dir():
        raise DataReadError(
            f"cannot read {folder}: not a folder; pass a folder holding one "
            "file per table, or a database URL"
        )
    files: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith(".") or path.suffix.lower() not in EXTENSIONS:
            continue
        if path.stem in files:
            raise DataReadError(
                f"cannot read {folder}: {files[path.stem].name} and {path.name} "
                f"both hold table '{path.stem}'; keep one of them"
            )
        files[path.stem] = path
    if not files:
        raise DataReadError(
            f"cannot read {folder}: it holds no table file; add one file per "
            f"table ending in {', '.join(EXTENSIONS)}"
        )
    return files


def _select(available: list[str], wanted: list[str] | None, where: str) -> list[str]:
    """The table names to read: all of ``available``, or ``wanted`` (which must exist)."""
    if wanted is None:
        return available
    missing = [name for name in wanted if name not in available]
    if missing:
        raise DataReadError(
            f"cannot read {where}: no table {', '.join(map(repr, missing))} "
            f"(tables: {', '.join(available) or 'none'}); check the names"
        )
    return list(dict.fromkeys(wanted))


def _read_database(
    db_url: str, tables: list[str] | None
) -> tuple[dict[str, pd.DataFrame], list[Relationship]]:
    url = _database_url(db_url)
    where = display_url(url)
    try:
        engine = connect_engine(url)
    except (SQLAlchemyError, ImportError) as exc:
        raise DataReadError(
            f"cannot connect to {where}: {_hide(db_message(exc), url)}; "
            "check the database URL and that its driver is installed"
        ) from exc
    try:
        with engine.connect() as conn:
            inspector = sa.inspect(conn)
            names = _select(inspector.get_table_names(), tables, where)
            if not names:
                raise DataReadError(
                    f"cannot read {where}: the database holds no table; "
                    "check the URL names the right database"
                )
            relationships = [
                rel
                for name in names
                for rel in _foreign_keys(inspector.get_foreign_keys(name), name)
                if rel.parent_table in names
            ]
    except SQLAlchemyError as exc:
        raise DataReadError(
            f"cannot connect to {where}: {_hide(db_message(exc), url)}; check "
            "the URL and that the database is running and reachable"
        ) from exc
    finally:
        engine.dispose()
    frames = {name: read_table(name, db_url=db_url).to_pandas() for name in names}
    return frames, relationships


def _database_url(db_url: str) -> URL:
    """Parse ``db_url``; a SQLite file must exist (connecting would create an empty one)."""
    try:
        url = parse_db_url(db_url)
    except OutputError as exc:
        raise DataReadError(str(exc)) from exc
    database = url.database or ""
    if (
        url.get_backend_name() == "sqlite"
        and database not in ("", ":memory:")
        and not database.startswith("file:")
        and not Path(database).is_file()
    ):
        raise DataReadError(
            f"cannot read {display_url(url)}: no such database file {database}; check the path"
        )
    return url


def _hide(message: str, url: URL) -> str:
    """``message`` without the URL's password (where a driver repeats the URL)."""
    if not url.password:
        return message
    message = message.replace(url.render_as_string(hide_password=False), display_url(url))
    return message.replace(f":{url.password}@", ":***@")


def _foreign_keys(
    declared: Iterable[ReflectedForeignKeyConstraint], table: str
) -> list[Relationship]:
    """Single-column foreign keys of ``table`` from the inspector's ``get_foreign_keys``."""
    out = []
    for fk in declared:
        columns, referred = fk.get("constrained_columns") or [], fk.get("referred_columns") or []
        if len(columns) == 1 and len(referred) == 1:
            out.append(Relationship(fk["referred_table"], referred[0], table, columns[0]))
    return out
