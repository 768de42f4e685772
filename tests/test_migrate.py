"""One migration history for SQLite and PostgreSQL, matching the models exactly."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient

from idscan import cli, jobs, migrate
from idscan.app import create_app
from idscan.bootstrap import build_container
from idscan.config import Settings
from idscan.db import make_session_factory, make_unpooled_engine
from idscan.errors import ConfigurationError
from idscan.lib.aead import Keyring, parse_keyring
from idscan.lib.ids import new_secret
from idscan.models import Base, DocumentScan, LivenessSession, Webhook
from idscan.models.base import UTCDateTime
from idscan.results import service as results
from idscan.webhooks import service as webhook_service
from tests.conftest import (
    BACKENDS,
    TEST_MASTER_KEY,
    Caller,
    _create_pg_database,
    _drop_pg_database,
    make_settings,
)
from tests.support.rawdb import assert_not_stored, database_text


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


# -- 0006: secrets at rest; rows written before it keep working after it ----------------------------

OLD_TOKEN = "OldCapabilityToken0123456789abcdefghijklmnopqrstuv"  # 50 base62 characters, as issued
OLD_HANDOFF = "OldHandoffToken0123456789abcdefghijklmnopqrstuvwxy"
OLD_DOWNLOAD = "OldDownloadToken0123456789abcdefghijklmnopqrstuvwx"
OLD_SELFIE = "OldSelfieToken0123456789abcdefghijklmnopqrstuvwxyz0"
API_KEY = "integrators-own-api-key-5f1c"


@pytest.fixture(params=BACKENDS)
def old_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database at revision 0005, before tokens were hashed and headers sealed."""
    if request.param == "sqlite":
        url, name = f"sqlite:///{tmp_path / 'old.sqlite'}", None
    else:
        name = _create_pg_database()
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    migrate.upgrade(url, "0005")
    engine = make_unpooled_engine(url)
    jobs.install_schema(engine)
    engine.dispose()
    yield url
    if name is not None:
        _drop_pg_database(name)


@dataclass(frozen=True)
class OldRows:
    transaction_id: str
    webhook_id: str
    caller: Caller
    document_url: str
    selfie_url: str


def _old_table(name: str, *columns: str) -> sa.Table:
    json_columns = {
        "task_types",
        "settings",
        "files",
        "headers",
        "events",
        "plan",
        "reasons",
        "allowed_origins",
    }

    def typed(column: str) -> Any:
        if column in json_columns:
            return sa.JSON
        if column.endswith("_at"):
            return UTCDateTime()
        if column in ("mobile_only", "linked"):
            return sa.Boolean
        return sa.LargeBinary if column.endswith("_sealed") else sa.String

    return sa.Table(name, sa.MetaData(), *(sa.Column(c, typed(c)) for c in columns))


def write_old_rows(url: str, keyring: Keyring, api_base: str) -> OldRows:
    """Rows as revision 0005 wrote them: plain tokens, plain URLs in `files`, plain headers."""
    engine = make_unpooled_engine(url)
    now = datetime.now(UTC)
    # As that revision's schema holds them (the model has moved on: accounts have a mode since 0009).
    credential = Caller(str(uuid.uuid4()), str(uuid.uuid4()), new_secret())
    trx_id, scan_id, live_id, webhook_id = (str(uuid.uuid4()) for _ in range(4))
    document_key = f"transactions/{trx_id}/attempts/{scan_id}/document_front.jpg"
    selfie_key = f"transactions/{trx_id}/liveness/{live_id}/selfie.jpg"
    document_url = f"{api_base}/id-scan/v1/downloads/{OLD_DOWNLOAD}"
    selfie_url = f"{api_base}/id-scan/v1/downloads/{OLD_SELFIE}"
    dated = {"created_at": now, "expires_at": now + timedelta(hours=1)}

    def insert(name: str, **values: Any) -> None:
        conn.execute(_old_table(name, *values).insert().values(**values))

    with engine.begin() as conn:
        accounts = _old_table("accounts", "id", "name", "created_at")
        conn.execute(accounts.insert().values(id=credential.account_id, name="acme", created_at=now))
        sealed = keyring.seal(credential.secret.encode(), aad=f"credential:{credential.kid}".encode())
        insert(
            "credentials", kid=credential.kid, account_id=credential.account_id, created_at=now,
            secret_sealed=sealed,
        )  # fmt: skip
        insert(
            "transactions", id=trx_id, account_id=credential.account_id, state="pending",
            task_types=["document_scan", "face_liveness"], settings={}, locale="en-US", mobile_only=False,
            return_url=None, scan_return_url=None, allowed_origins=None, capability_token=OLD_TOKEN, **dated,
        )  # fmt: skip
        conn.execute(
            sa.text(
                "INSERT INTO tasks (transaction_id, type, position, state, attempts, attempts_invoiced, "
                "updated_at) VALUES (:t, 'document_scan', 0, 'completed', 1, 1, :now), "
                "(:t, 'face_liveness', 1, 'pending', 1, 0, :now)"
            ),
            {"t": trx_id, "now": now.replace(tzinfo=None) if url.startswith("sqlite") else now},
        )
        insert(
            "document_scans", id=scan_id, transaction_id=trx_id, created_at=now, source="file",
            code="accepted", linked=False,
            files=[
                {"category": "upload", "type": "raw_document_image", "key": f"{document_key}.raw"},
                {"category": "document", "type": "document_front", "key": document_key, "url": document_url},
            ],
        )  # fmt: skip
        for token, key, kind in (
            (OLD_DOWNLOAD, document_key, "document_front"),
            (OLD_SELFIE, selfie_key, "selfie"),
        ):
            insert(
                "downloads", token=token, transaction_id=trx_id, account_id=credential.account_id,
                blob_key=key, media_type="image/jpeg", kind=kind, created_at=now,
            )  # fmt: skip
        insert("handoffs", token=OLD_HANDOFF, transaction_id=trx_id, **dated)
        insert(
            "liveness_sessions", id=live_id, transaction_id=trx_id, nonce="n" * 32, plan={}, reasons=[],
            files=[{"category": "image", "type": "selfie", "key": selfie_key, "url": selfie_url}], **dated,
        )  # fmt: skip
        insert(
            "webhooks", id=webhook_id, account_id=credential.account_id, url="https://shop.example/hooks",
            events=["task.state.updated"], headers={"X-Api-Key": API_KEY},
            secret_sealed=keyring.seal(b"whsec_old", aad=f"webhook:{webhook_id}".encode()),
            created_at=now, updated_at=now,
        )  # fmt: skip
        insert(
            "webhooks", id=str(uuid.uuid4()), account_id=credential.account_id, url="https://b.example/h",
            events=["task.state.updated"], headers={},
            secret_sealed=b"opaque", created_at=now, updated_at=now,
        )  # fmt: skip
    engine.dispose()
    caller = credential
    return OldRows(trx_id, webhook_id, caller, document_url, selfie_url)


def _revision(url: str) -> str:
    engine = make_unpooled_engine(url)
    with engine.connect() as conn:
        revision = str(conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one())
    engine.dispose()
    return revision


def test_old_links_downloads_and_headers_survive_the_upgrade(old_database: str, tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", old_database)
    keyring = parse_keyring(TEST_MASTER_KEY)
    old = write_old_rows(old_database, keyring, settings.effective_api_base_url)

    migrate.upgrade(old_database, keyring=keyring)

    assert _revision(old_database) == migrate_head()
    assert_not_stored(old_database, OLD_TOKEN, OLD_HANDOFF, OLD_DOWNLOAD, OLD_SELFIE, API_KEY)
    container = build_container(settings)
    try:
        container.blobs.put(f"transactions/{old.transaction_id}/attempts/x", b"")  # the store is usable
        with container.session_factory() as session:
            document_key = next(
                f["key"] for f in session.scalars(sa.select(DocumentScan.files)).one() if results.is_served(f)
            )
            (selfie,) = session.scalars(sa.select(LivenessSession.files)).one()
        container.blobs.put(document_key, b"\xff\xd8 the redacted front")
        assert results.file_url(container.keyring, selfie) == old.selfie_url
        with TestClient(create_app(settings, container=container, run_jobs=False)) as client:
            page = client.get(f"/en-us/identifications/{OLD_TOKEN}")
            assert page.status_code == 200
            phone = client.get(f"/en-us/handoffs/{OLD_HANDOFF}", follow_redirects=False)
            assert phone.status_code == 303
            assert phone.headers["location"] == f"/en-us/identifications/{OLD_TOKEN}?device=phone"
            assert client.get(f"/en-us/handoffs/{OLD_HANDOFF}").status_code == 410  # still single use
            detail = client.get(
                f"/id-scan/v1/transactions/{old.transaction_id}", headers=old.caller.headers()
            )
            (scan,) = detail.json()["tasks"][0]["documentScans"]
            assert [f["url"] for f in scan["files"]] == [old.document_url]
            image = client.get(f"/id-scan/v1/downloads/{OLD_DOWNLOAD}", headers=old.caller.headers())
            assert image.content == b"\xff\xd8 the redacted front"
            hook = client.get(f"/id-scan/v1/webhooks/{old.webhook_id}", headers=old.caller.headers()).json()
            assert hook["headers"] == {"X-Api-Key": API_KEY}
            assert hook["secret"] == "whsec_old"
    finally:
        container.close()

    # Back down: headers and URLs come back in clear, and so do the download tokens they hold.
    migrate.downgrade(old_database, "0005", keyring=keyring)
    text = database_text(old_database)
    assert API_KEY in text
    assert OLD_DOWNLOAD in text
    assert OLD_TOKEN not in text  # a digest cannot be reversed: the old link is gone
    migrate.upgrade(old_database, keyring=keyring)
    assert_not_stored(old_database, API_KEY, OLD_DOWNLOAD)


def test_upgrade_without_the_keyring_changes_nothing(old_database: str, tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", old_database)
    write_old_rows(old_database, parse_keyring(TEST_MASTER_KEY), settings.effective_api_base_url)
    with pytest.raises(ConfigurationError, match="master keyring"):
        migrate.upgrade(old_database)
    assert _revision(old_database) == "0005"
    text = database_text(old_database)
    assert OLD_TOKEN in text
    assert API_KEY in text


def test_sqlite_upgrade_keeps_the_rows_that_refer_to_a_rebuilt_table(
    old_database: str, tmp_path: Path
) -> None:
    """Batch mode rebuilds `transactions` on SQLite; with foreign keys enforced, dropping the old copy
    would cascade-delete every task, scan and hand-off of every transaction."""
    settings = make_settings(tmp_path / "data", old_database)
    old = write_old_rows(old_database, parse_keyring(TEST_MASTER_KEY), settings.effective_api_base_url)
    migrate.upgrade(old_database, keyring=parse_keyring(TEST_MASTER_KEY))
    engine = make_unpooled_engine(old_database)
    with engine.connect() as conn:
        for table in ("tasks", "document_scans", "downloads", "handoffs", "liveness_sessions"):
            count = conn.execute(
                sa.text(f"SELECT count(*) FROM {table} WHERE transaction_id = :t"), {"t": old.transaction_id}
            )
            assert count.scalar_one() > 0, table
        assert conn.execute(sa.text("SELECT count(*) FROM webhooks")).scalar_one() == 2
    engine.dispose()


def migrate_head() -> str:
    from alembic.script import ScriptDirectory

    return str(ScriptDirectory.from_config(migrate.alembic_config("sqlite://")).get_current_head())


def test_idscan_migrate_hands_the_keyring_to_the_migrations(
    old_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(tmp_path / "data", old_database)
    old = write_old_rows(old_database, parse_keyring(TEST_MASTER_KEY), settings.effective_api_base_url)
    for name in list(os.environ):
        if name.startswith("IDSCAN_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("IDSCAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("IDSCAN_DATABASE__URL", old_database)
    monkeypatch.setenv("IDSCAN_SECURITY__MASTER_KEYS", TEST_MASTER_KEY)
    assert cli.main(["migrate"]) == 0
    assert_not_stored(old_database, API_KEY, OLD_TOKEN)
    engine = make_unpooled_engine(old_database)
    with make_session_factory(engine)() as session:
        webhook = session.get(Webhook, old.webhook_id)
        assert webhook is not None
        assert webhook_service.custom_headers(parse_keyring(TEST_MASTER_KEY), webhook) == {
            "X-Api-Key": API_KEY
        }
    engine.dispose()


# -- 0012: events name their transaction, indexed ----------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_events_emitted_before_0012_name_their_transaction_after_it(backend: str, tmp_path: Path) -> None:
    if backend == "sqlite":
        url, name = f"sqlite:///{tmp_path / 'old.sqlite'}", None
    else:
        name = _create_pg_database()
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    try:
        migrate.upgrade(url, "0011")
        engine = make_unpooled_engine(url)
        now = datetime(2026, 12, 5, tzinfo=UTC).replace(tzinfo=None)
        with engine.begin() as conn:
            conn.execute(
                sa.text("INSERT INTO accounts (id, name, mode, created_at) VALUES ('a', 'acme', 'live', :t)"),
                {"t": now},
            )
            for event_id, body in (
                ("e1", '{"id": "e1", "type": "task.state.updated", "transaction": {"id": "t-1"}}'),
                ("e2", '{"id": "e2", "type": "webhook.ping"}'),
            ):
                conn.execute(
                    sa.text(
                        "INSERT INTO events (id, account_id, type, body, created_at)"
                        " VALUES (:id, 'a', 'x', :body, :t)"
                    ),
                    {"id": event_id, "body": body, "t": now},
                )
        engine.dispose()
        migrate.upgrade(url)
        engine = make_unpooled_engine(url)
        with engine.connect() as conn:
            rows = dict(conn.execute(sa.text("SELECT id, transaction_id FROM events ORDER BY id")).all())
        engine.dispose()
        assert rows == {"e1": "t-1", "e2": None}
    finally:
        if name is not None:
            _drop_pg_database(name)
