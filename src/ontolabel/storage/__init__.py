"""Persistence: SQLAlchemy tables, Alembic migrations, row<->core mappers, the blob store."""
