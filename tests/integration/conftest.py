"""PostgreSQL fixtures: a test database (created on demand) and a fresh schema per test."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql

PG_HOST = os.environ.get("SYNDATA_TEST_PG_HOST", "127.0.0.1")
PG_PORT = os.environ.get("SYNDATA_TEST_PG_PORT", "5432")
PG_USER = os.environ.get("SYNDATA_TEST_PG_USER", "postgres")


def _conninfo(dbname: str) -> str:
    return f"host={PG_HOST} port={PG_PORT} user={PG_USER} dbname={dbname} connect_timeout=5"


@pytest.fixture(scope="session")
def pg_database() -> str:
    """Name of the test database; created if it does not exist yet."""
    name = os.environ.get("SYNDATA_TEST_PG_DB", "syndata_test")
    try:
        conn = psycopg.connect(_conninfo("postgres"), autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL at {PG_HOST}:{PG_PORT} is not reachable ({exc}); start it with "
            "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` "
            "or deselect these tests with -m 'not postgres'"
        )
    with conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        # Another test worker may create it at the same moment.
        duplicate = (psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation)
        if not found:
            with contextlib.suppress(*duplicate):
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


@pytest.fixture
def pg_schema(pg_database: str) -> Iterator[str]:
    """A fresh, empty schema in the test database, dropped after the test."""
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(_conninfo(pg_database), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    yield schema
    with psycopg.connect(_conninfo(pg_database), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture
def pg_url(pg_database: str, pg_schema: str) -> str:
    """URL of the test database whose search_path is the test's own fresh schema."""
    return (
        f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{pg_database}"
        f"?options=-csearch_path%3D{pg_schema}"
    )
