"""Alembic environment of the job store: the URL comes from the caller's config."""

from __future__ import annotations

from alembic import context

from syndata.jobs.schema import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # offline SQL generation: `alembic upgrade --sql`
    context.configure(
        url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata, literal_binds=True
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    context.configure(
        connection=connection, target_metadata=metadata, version_table="syndata_alembic_version"
    )
    with context.begin_transaction():
        context.run_migrations()
