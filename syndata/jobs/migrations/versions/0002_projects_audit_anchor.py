"""Projects own keys and jobs; the audit log's anchor lives beside the jobs.

Every key and job belongs to a project (existing rows join the ``default`` project).
``audit_anchors`` keeps, per audit log file, the last sequence number and hash written,
so a log cut at a line boundary, emptied, deleted or rewritten no longer matches.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the project columns and the anchor table."""
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(
            sa.Column("project", sa.String(64), nullable=False, server_default="default")
        )
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(
            sa.Column("project", sa.String(64), nullable=False, server_default="default")
        )
    op.create_index("ix_jobs_project", "jobs", ["project"])
    op.create_table(
        "audit_anchors",
        sa.Column("log", sa.String(64), primary_key=True),  # sha256 of the log's path
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    """Drop them again."""
    op.drop_table("audit_anchors")
    op.drop_index("ix_jobs_project", "jobs")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("project")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("project")
