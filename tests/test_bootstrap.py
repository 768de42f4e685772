"""The container wired to real infrastructure: S3 storage and Redis rate limits."""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from idscan.app import create_app
from idscan.auth import service as auth_service
from idscan.bootstrap import build_container, prepare_data_dir
from idscan.config import Settings
from idscan.container import Container
from idscan.db import transaction
from idscan.storage.encrypted import EncryptedBlobStore
from idscan.storage.s3 import S3BlobStore
from tests.conftest import Caller, make_settings
from tests.support.seaweed import SeaweedServer


@pytest.fixture
def s3_container(settings: Settings, seaweed: SeaweedServer) -> Iterator[Container]:
    s3 = make_settings(
        settings.data_dir,
        settings.database_url,
        storage={
            "backend": "s3",
            "s3_endpoint": seaweed.endpoint,
            "s3_bucket": seaweed.bucket,
            "s3_region": seaweed.region,
            "s3_access_key_id": seaweed.access_key_id,
            "s3_secret_access_key": seaweed.secret_access_key,
            "s3_allow_http": True,
            "s3_prefix": f"bootstrap-{settings.data_dir.parent.name}",
        },
    )
    built = build_container(s3)
    yield built
    built.close()


def caller_for(container: Container) -> Caller:
    with transaction(container.session_factory) as session:
        new = auth_service.create_credential(session, container.keyring, "acme")
    return Caller(new.account_id, new.kid, new.secret)


def test_s3_backed_service_erases_files_and_reports_ready(s3_container: Container) -> None:
    assert isinstance(s3_container.blobs, EncryptedBlobStore)
    assert isinstance(s3_container.blobs.inner, S3BlobStore)
    caller = caller_for(s3_container)
    with TestClient(create_app(s3_container.settings, container=s3_container, run_jobs=False)) as client:
        assert client.get("/readyz").json()["checks"]["storage"] == "ok"
        created = client.post(
            "/id-scan/v1/transactions", json={"tasks": ["document_scan"]}, headers=caller.headers()
        ).json()
        key = f"transactions/{created['id']}/front.jpg"
        s3_container.blobs.put(key, b"jpeg bytes")
        assert s3_container.blobs.get(key) == b"jpeg bytes"
        assert (
            client.delete(f"/id-scan/v1/transactions/{created['id']}", headers=caller.headers()).status_code
            == 204
        )
        assert not s3_container.blobs.exists(key)


def test_rate_limits_are_shared_through_redis(
    settings: Settings, container: Container, redis_url: str
) -> None:
    shared = settings.model_copy(
        update={
            "rate_limit": settings.rate_limit.model_copy(
                update={"enabled": True, "per_credential": "4/minute", "redis_url": redis_url}
            )
        }
    )
    caller = caller_for(container)
    # Two app instances (two API nodes) share one budget.
    with (
        TestClient(create_app(shared, container=container, run_jobs=False)) as first,
        TestClient(create_app(shared, container=container, run_jobs=False)) as second,
    ):
        statuses = [
            (first if i % 2 else second).get("/id-scan/v1/transactions", headers=caller.headers()).status_code
            for i in range(6)
        ]
    assert statuses == [200, 200, 200, 200, 429, 429]


def test_a_data_directory_open_to_others_is_tightened_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    with caplog.at_level(logging.WARNING, logger="idscan.bootstrap"):
        prepare_data_dir(data)
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert "tightened to 0700" in caplog.text
    caplog.clear()
    prepare_data_dir(data)  # already private: nothing to say
    assert caplog.text == ""
