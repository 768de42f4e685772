"""Run the Alembic history against the configured database (used by the CLI and tests)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.config import Config

if TYPE_CHECKING:
    from idscan.lib.aead import Keyring

MIGRATIONS = Path(__file__).with_name("migrations")


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Only our own tables: the job engine's tables share the database and migrate themselves."""
    from idscan.models import Base

    if type_ == "schema":
        return name in (None, "public")
    if type_ == "table":
        return name in Base.metadata.tables
    return True


def alembic_config(url: str, keyring: Keyring | None = None) -> Config:
    """`keyring` reaches the migrations that must seal or open stored secrets (0006); without it, such
    a migration refuses to run when there are rows it would have to convert."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url)
    cfg.attributes["keyring"] = keyring
    return cfg


def upgrade(url: str, revision: str = "head", *, keyring: Keyring | None = None) -> None:
    command.upgrade(alembic_config(url, keyring), revision)


def downgrade(url: str, revision: str, *, keyring: Keyring | None = None) -> None:
    command.downgrade(alembic_config(url, keyring), revision)
