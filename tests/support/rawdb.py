"""Read the database as an attacker with a copy of it would: every row of every table, as text."""

from __future__ import annotations

from sqlalchemy import MetaData, inspect, select

from idscan.db import make_unpooled_engine


def database_text(url: str) -> str:
    """Every value of every table (the job engine's too), bytes decoded byte for byte."""
    engine = make_unpooled_engine(url)
    parts: list[str] = []
    try:
        schemas = [None] if engine.dialect.name == "sqlite" else ["public", "dbos"]
        with engine.connect() as conn:
            for schema in schemas:
                names = inspect(conn).get_table_names(schema=schema)
                metadata = MetaData(schema=schema)
                metadata.reflect(conn, only=names)
                for table in metadata.sorted_tables:
                    for row in conn.execute(select(table)):
                        parts.extend(_text(value) for value in row)
    finally:
        engine.dispose()
    return "\n".join(parts)


def _text(value: object) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("latin-1")
    return str(value)


def assert_not_stored(url: str, *secrets: str) -> None:
    """None of `secrets` appears anywhere in the database, in any form a plain read shows."""
    text = database_text(url)
    for secret in secrets:
        assert secret, "an empty secret proves nothing"
        assert secret not in text, f"{secret[:6]}… is stored in clear"
