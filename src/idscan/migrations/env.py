"""Alembic environment: batch mode so SQLite and PostgreSQL share one history.

The durable job engine keeps its own tables in the same database (schema `dbos` on PostgreSQL,
plain tables in the SQLite file) so that jobs are enqueued in the application's transaction; they
are migrated by the engine itself and ignored here.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from alembic import context
from alembic.runtime.migration import MigrationContext, MigrationInfo
from sqlalchemy import Connection

from idscan.db import make_unpooled_engine
from idscan.migrate import include_name
from idscan.models import Base

config = context.config
target_metadata = Base.metadata


def _check_foreign_keys(
    ctx: MigrationContext, step: MigrationInfo, heads: Collection[Any], run_args: Mapping[str, Any]
) -> None:
    """SQLite: batch mode rebuilds a table with foreign keys off (see below); before each migration
    commits, make sure it left no row pointing nowhere."""
    assert ctx.connection is not None
    if (
        ctx.connection.dialect.name == "sqlite"
        and ctx.connection.exec_driver_sql("PRAGMA foreign_key_check").first()
    ):
        raise RuntimeError("the migration left rows whose foreign keys point nowhere; nothing was changed")


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_name=include_name,
        on_version_apply=_check_foreign_keys,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    # SQLite: batch mode rebuilds a table by copying it and dropping the original; with foreign keys
    # enforced, that drop would cascade-delete every row that refers to the table (a transaction's
    # tasks, scans, results...). They are checked per migration instead.
    engine = make_unpooled_engine(config.get_main_option("sqlalchemy.url") or "", foreign_keys=False)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()
