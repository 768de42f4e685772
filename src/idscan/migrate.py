"""Run the Alembic history against the configured database (used by the CLI and tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Only our own tables: the job engine's tables share the database and migrate themselves."""
    from idscan.models import Base

    if type_ == "schema":
        return name in (None, "public")
    if type_ == "table":
        return name in Base.metadata.tables
    return True


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)
