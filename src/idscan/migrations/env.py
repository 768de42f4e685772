"""Alembic environment: batch mode so SQLite and PostgreSQL share one history.

The durable job engine keeps its own tables in the same database (schema `dbos` on PostgreSQL,
plain tables in the SQLite file) so that jobs are enqueued in the application's transaction; they
are migrated by the engine itself and ignored here.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from idscan.db import make_unpooled_engine
from idscan.migrate import include_name
from idscan.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = make_unpooled_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()
