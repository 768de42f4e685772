"""One migration history for SQLite and PostgreSQL, matching the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from idscan import migrate
from idscan.config import Settings
from idscan.db import make_unpooled_engine
from idscan.models import Base


def test_migrations_match_the_models(settings: Settings) -> None:
    engine = make_unpooled_engine(settings.database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_name": migrate.include_name, "compare_type": True}
        )
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


def test_downgrade_and_upgrade_again(database_url: str) -> None:
    migrate.downgrade(database_url, "base")
    migrate.upgrade(database_url)
    engine = make_unpooled_engine(database_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM transactions").scalar_one() == 0
    engine.dispose()
