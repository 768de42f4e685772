"""secrets at rest: bearer tokens kept as digests, download URLs and webhook headers sealed

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 10:00:00

Existing rows are converted, so links and downloads handed out before the upgrade keep working:
- hosted-link, hand-off and download tokens become their SHA-256 (no key needed);
- a hand-off gets the transaction's capability token sealed under a key derived from its own token
  (no key needed either: both tokens are in the old rows);
- download URLs inside `files` and webhook custom headers are sealed with the master keyring, which
  `idscan migrate` hands over (`config.attributes["keyring"]`). Without a keyring the upgrade refuses
  to start when such rows exist, before it changes anything.
Downgrading cannot bring back a token from its digest: it decrypts headers and URLs again, recovers
the download tokens that those URLs hold, and gives every other link a fresh random token (links
issued before the downgrade then stop working, which is safer than a digest usable as a token).

The formats below are frozen copies of this revision's (the application's helpers may change later).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import context, op

from idscan.errors import ConfigurationError
from idscan.lib.aead import Keyring, token_keyring

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_BATCH = 500
_BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _random_token() -> str:
    return "".join(secrets.choice(_BASE62) for _ in range(50))


def _url_aad(blob_key: str) -> bytes:
    return f"download-url:{blob_key}".encode()


def _headers_aad(webhook_id: str) -> bytes:
    return f"webhook-headers:{webhook_id}".encode()


def _handoff_keyring(handoff_token: str) -> Keyring:
    return token_keyring(handoff_token, "hand-off")


def _handoff_aad(token_hash: str) -> bytes:
    return f"handoff:{token_hash}".encode()


def _table(name: str, *columns: sa.Column[Any]) -> sa.Table:
    return sa.Table(name, sa.MetaData(), *columns)


def _id() -> sa.Column[Any]:
    return sa.Column("id", sa.String(36), primary_key=True)


def _files_tables() -> list[sa.Table]:
    return [
        _table(name, _id(), sa.Column("files", sa.JSON)) for name in ("document_scans", "liveness_sessions")
    ]


def _keyset(table: sa.Table, *columns: str) -> Iterator[Sequence[sa.Row[Any]]]:
    """Every row in batches by primary key (for updates that leave the key alone)."""
    last: str | None = None
    while True:
        query = sa.select(table.c.id, *(table.c[c] for c in columns)).order_by(table.c.id).limit(_BATCH)
        if last is not None:
            query = query.where(table.c.id > last)
        rows = op.get_bind().execute(query).all()
        if not rows:
            return
        yield rows
        last = rows[-1].id


def _pending(query: sa.Select[Any]) -> Iterator[Sequence[sa.Row[Any]]]:
    """Rows still to convert, in batches; converting a row takes it out of `query`."""
    while rows := op.get_bind().execute(query.limit(_BATCH)).all():
        yield rows


def _keyring(needed: bool, what: str) -> Keyring | None:
    keyring: Keyring | None = context.config.attributes.get("keyring")
    if needed and keyring is None:
        raise ConfigurationError(
            f"This migration must {what} with the master keyring. Run it with `idscan migrate`, which "
            "reads IDSCAN_SECURITY__MASTER_KEYS (or the data directory's master.key); nothing was changed."
        )
    return keyring


def _map_files(files: list[dict[str, Any]], change: Any) -> list[dict[str, Any]] | None:
    """`files` with `change` applied to each served entry, or None when nothing changed."""
    changed = [change(dict(item)) for item in files]
    return changed if changed != files else None


# -- upgrade -------------------------------------------------------------------------------------


def upgrade() -> None:
    bind = op.get_bind()
    webhooks = _table("webhooks", _id(), sa.Column("headers", sa.JSON))
    need = any(row.headers for rows in _keyset(webhooks, "headers") for row in rows) or any(
        any("url" in item for item in row.files or [])
        for table in _files_tables()
        for rows in _keyset(table, "files")
        for row in rows
    )
    keyring = _keyring(need, "seal webhook headers and stored download URLs")

    # Hand-offs first: they seal the transaction's capability token, which is still in clear.
    with op.batch_alter_table("handoffs") as batch_op:
        batch_op.add_column(sa.Column("token_hash", sa.String(64), nullable=True))
        batch_op.add_column(sa.Column("capability_sealed", sa.LargeBinary(), nullable=True))
    handoffs = _table(
        "handoffs",
        sa.Column("token", sa.String(64)),
        sa.Column("transaction_id", sa.String(36)),
        sa.Column("token_hash", sa.String(64)),
        sa.Column("capability_sealed", sa.LargeBinary()),
    )
    transactions = _table(
        "transactions",
        _id(),
        sa.Column("capability_token", sa.String(64)),
        sa.Column("capability_hash", sa.String(64)),
    )
    query = (
        sa.select(handoffs.c.token, transactions.c.capability_token)
        .join(transactions, transactions.c.id == handoffs.c.transaction_id)
        .where(handoffs.c.token_hash.is_(None))
    )
    for rows in _pending(query):
        for row in rows:
            token_hash = _digest(row.token)
            sealed = _handoff_keyring(row.token).seal(
                row.capability_token.encode(), aad=_handoff_aad(token_hash)
            )
            bind.execute(
                handoffs.update()
                .where(handoffs.c.token == row.token)
                .values(token_hash=token_hash, capability_sealed=sealed)
            )
    with op.batch_alter_table("handoffs") as batch_op:
        batch_op.drop_constraint("pk_handoffs", type_="primary")
        batch_op.drop_column("token")
        batch_op.alter_column("token_hash", existing_type=sa.String(64), nullable=False)
        batch_op.alter_column("capability_sealed", existing_type=sa.LargeBinary(), nullable=False)
        batch_op.create_primary_key("pk_handoffs", ["token_hash"])

    with op.batch_alter_table("transactions") as batch_op:
        batch_op.add_column(sa.Column("capability_hash", sa.String(64), nullable=True))
    query = sa.select(transactions.c.id, transactions.c.capability_token).where(
        transactions.c.capability_hash.is_(None)
    )
    for rows in _pending(query):
        bind.execute(
            transactions.update().where(transactions.c.id == sa.bindparam("row_id")),
            [{"row_id": row.id, "capability_hash": _digest(row.capability_token)} for row in rows],
        )
    with op.batch_alter_table("transactions") as batch_op:
        batch_op.drop_constraint("uq_transactions_capability_token", type_="unique")
        batch_op.drop_column("capability_token")
        batch_op.alter_column("capability_hash", existing_type=sa.String(64), nullable=False)
        batch_op.create_unique_constraint("uq_transactions_capability_hash", ["capability_hash"])

    with op.batch_alter_table("downloads") as batch_op:
        batch_op.add_column(sa.Column("token_hash", sa.String(64), nullable=True))
    downloads = _table("downloads", sa.Column("token", sa.String(64)), sa.Column("token_hash", sa.String(64)))
    query = sa.select(downloads.c.token).where(downloads.c.token_hash.is_(None))
    for rows in _pending(query):
        bind.execute(
            downloads.update().where(downloads.c.token == sa.bindparam("old")),
            [{"old": row.token, "token_hash": _digest(row.token)} for row in rows],
        )
    with op.batch_alter_table("downloads") as batch_op:
        batch_op.drop_constraint("pk_downloads", type_="primary")
        batch_op.drop_column("token")
        batch_op.alter_column("token_hash", existing_type=sa.String(64), nullable=False)
        batch_op.create_primary_key("pk_downloads", ["token_hash"])

    if keyring is not None:
        _seal_file_urls(keyring)

    with op.batch_alter_table("webhooks") as batch_op:
        batch_op.add_column(sa.Column("headers_sealed", sa.LargeBinary(), nullable=True))
    webhooks.append_column(sa.Column("headers_sealed", sa.LargeBinary()))
    for rows in _keyset(webhooks, "headers"):
        for row in rows:
            if row.headers:
                assert keyring is not None
                body = json.dumps(row.headers, separators=(",", ":")).encode()
                sealed = keyring.seal(body, aad=_headers_aad(row.id))
                bind.execute(webhooks.update().where(webhooks.c.id == row.id).values(headers_sealed=sealed))
    with op.batch_alter_table("webhooks") as batch_op:
        batch_op.drop_column("headers")


def _seal_file_urls(keyring: Keyring) -> None:
    def seal(item: dict[str, Any]) -> dict[str, Any]:
        if "url" in item:
            url = item.pop("url")
            item["url_sealed"] = base64.b64encode(
                keyring.seal(url.encode(), aad=_url_aad(item["key"]))
            ).decode()
        return item

    for table in _files_tables():
        for rows in _keyset(table, "files"):
            for row in rows:
                changed = _map_files(row.files or [], seal)
                if changed is not None:
                    op.get_bind().execute(table.update().where(table.c.id == row.id).values(files=changed))


# -- downgrade -----------------------------------------------------------------------------------


def downgrade() -> None:
    bind = op.get_bind()
    webhooks = _table("webhooks", _id(), sa.Column("headers_sealed", sa.LargeBinary()))
    need = any(
        row.headers_sealed is not None for rows in _keyset(webhooks, "headers_sealed") for row in rows
    ) or any(
        any("url_sealed" in item for item in row.files or [])
        for table in _files_tables()
        for rows in _keyset(table, "files")
        for row in rows
    )
    keyring = _keyring(need, "open webhook headers and stored download URLs")

    with op.batch_alter_table("webhooks") as batch_op:
        batch_op.add_column(sa.Column("headers", sa.JSON(), nullable=True))
    webhooks.append_column(sa.Column("headers", sa.JSON))
    for rows in _keyset(webhooks, "headers_sealed"):
        for row in rows:
            headers: dict[str, str] = {}
            if row.headers_sealed is not None:
                assert keyring is not None
                headers = json.loads(keyring.open(row.headers_sealed, aad=_headers_aad(row.id)))
            bind.execute(webhooks.update().where(webhooks.c.id == row.id).values(headers=headers))
    with op.batch_alter_table("webhooks") as batch_op:
        batch_op.alter_column("headers", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("headers_sealed")

    recovered = _open_file_urls(keyring) if keyring is not None else {}

    with op.batch_alter_table("downloads") as batch_op:
        batch_op.add_column(sa.Column("token", sa.String(64), nullable=True))
    downloads = _table("downloads", sa.Column("token", sa.String(64)), sa.Column("token_hash", sa.String(64)))
    query = sa.select(downloads.c.token_hash).where(downloads.c.token.is_(None))
    for rows in _pending(query):
        bind.execute(
            downloads.update().where(downloads.c.token_hash == sa.bindparam("old")),
            [
                {"old": row.token_hash, "token": recovered.get(row.token_hash) or _random_token()}
                for row in rows
            ],
        )
    with op.batch_alter_table("downloads") as batch_op:
        batch_op.drop_constraint("pk_downloads", type_="primary")
        batch_op.drop_column("token_hash")
        batch_op.alter_column("token", existing_type=sa.String(64), nullable=False)
        batch_op.create_primary_key("pk_downloads", ["token"])

    with op.batch_alter_table("transactions") as batch_op:
        batch_op.add_column(sa.Column("capability_token", sa.String(64), nullable=True))
    transactions = _table("transactions", _id(), sa.Column("capability_token", sa.String(64)))
    query = sa.select(transactions.c.id).where(transactions.c.capability_token.is_(None))
    for rows in _pending(query):
        bind.execute(
            transactions.update().where(transactions.c.id == sa.bindparam("row_id")),
            [{"row_id": row.id, "capability_token": _random_token()} for row in rows],
        )
    with op.batch_alter_table("transactions") as batch_op:
        batch_op.drop_constraint("uq_transactions_capability_hash", type_="unique")
        batch_op.drop_column("capability_hash")
        batch_op.alter_column("capability_token", existing_type=sa.String(64), nullable=False)
        batch_op.create_unique_constraint("uq_transactions_capability_token", ["capability_token"])

    with op.batch_alter_table("handoffs") as batch_op:
        batch_op.add_column(sa.Column("token", sa.String(64), nullable=True))
    handoffs = _table("handoffs", sa.Column("token", sa.String(64)), sa.Column("token_hash", sa.String(64)))
    query = sa.select(handoffs.c.token_hash).where(handoffs.c.token.is_(None))
    for rows in _pending(query):
        bind.execute(
            handoffs.update().where(handoffs.c.token_hash == sa.bindparam("old")),
            [{"old": row.token_hash, "token": _random_token()} for row in rows],
        )
    with op.batch_alter_table("handoffs") as batch_op:
        batch_op.drop_constraint("pk_handoffs", type_="primary")
        batch_op.drop_column("token_hash")
        batch_op.drop_column("capability_sealed")
        batch_op.alter_column("token", existing_type=sa.String(64), nullable=False)
        batch_op.create_primary_key("pk_handoffs", ["token"])


def _open_file_urls(keyring: Keyring) -> dict[str, str]:
    """Put the download URLs back in clear; answer the download tokens they hold, by digest."""
    recovered: dict[str, str] = {}

    def open_(item: dict[str, Any]) -> dict[str, Any]:
        if "url_sealed" in item:
            sealed = base64.b64decode(item.pop("url_sealed"))
            item["url"] = keyring.open(sealed, aad=_url_aad(item["key"])).decode()
            token = item["url"].rsplit("/", 1)[-1]
            recovered[_digest(token)] = token
        return item

    for table in _files_tables():
        for rows in _keyset(table, "files"):
            for row in rows:
                changed = _map_files(row.files or [], open_)
                if changed is not None:
                    op.get_bind().execute(table.update().where(table.c.id == row.id).values(files=changed))
    return recovered
