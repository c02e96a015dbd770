"""Alembic environment: always run programmatically with a connection handed in."""

from __future__ import annotations

from alembic import context

from ontolabel.storage.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("ontolabel migrations run through ontolabel.storage.database.migrate()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things; batch mode rebuilds tables instead
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
