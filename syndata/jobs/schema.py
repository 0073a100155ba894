"""The job store's tables (SQLAlchemy Core); Alembic migrations create them."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("job_id", sa.String(40), primary_key=True),
    sa.Column("job_type", sa.String(20), nullable=False),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("priority", sa.Integer, nullable=False),  # 0 low, 1 normal, 2 high
    sa.Column("params", sa.JSON, nullable=False),
    sa.Column("seed", sa.BigInteger, nullable=False),
    sa.Column("progress", sa.Float, nullable=False, default=0.0),
    sa.Column("stage", sa.String(200), nullable=False, default=""),
    sa.Column("result", sa.JSON),
    sa.Column("error", sa.Text),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("max_attempts", sa.Integer, nullable=False, default=2),
    sa.Column("parent_id", sa.String(40), index=True),
    sa.Column("partition", sa.Integer),
    sa.Column("parts_total", sa.Integer, nullable=False, default=0),
    sa.Column("parts_done", sa.Integer, nullable=False, default=0),
    sa.Column("worker", sa.String(200)),
    sa.Column("rows", sa.BigInteger, nullable=False, default=0),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("started_at", sa.Float),
    sa.Column("finished_at", sa.Float),
    sa.Column("heartbeat_at", sa.Float),
    sa.Column("cancel_requested", sa.Boolean, nullable=False, default=False),
    sa.Column("owner", sa.String(40)),
    sa.Column("request_id", sa.String(100)),
    sa.Column("project", sa.String(64), nullable=False, server_default="default", index=True),
    sa.Index("ix_jobs_queue", "status", "priority", "created_at"),
)


def _per_job(name: str, *columns: sa.Column[object]) -> sa.Table:
    """A table of timed lines about jobs: ``id``, ``job_id``, ``at``, then ``columns``."""
    return sa.Table(
        name,
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("job_id", sa.String(40), nullable=False, index=True),
        sa.Column("at", sa.Float, nullable=False),
        *columns,
    )


job_events = _per_job(
    "job_events",
    sa.Column("from_status", sa.String(12)),
    sa.Column("to_status", sa.String(12), nullable=False),
    sa.Column("note", sa.Text, nullable=False, default=""),
)

job_logs = _per_job(
    "job_logs",
    sa.Column("level", sa.String(10), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("fields", sa.JSON),
)

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("key_id", sa.String(40), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, default=""),
    sa.Column("role", sa.String(12), nullable=False),
    sa.Column("digest", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("last_used_at", sa.Float),
    sa.Column("revoked", sa.Boolean, nullable=False, default=False),
    sa.Column("project", sa.String(64), nullable=False, server_default="default"),
)

audit_anchors = sa.Table(
    "audit_anchors",
    metadata,
    sa.Column("log", sa.String(64), primary_key=True),  # sha256 of the audit log's path
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)
