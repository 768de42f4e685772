"""What only the S3 backend does: prefixes inside the bucket, readiness, failures."""

from __future__ import annotations

import pytest

from idscan.errors import ServiceUnavailableError
from idscan.storage.blobstore import InvalidBlobKeyError
from idscan.storage.s3 import S3BlobStore
from tests.support.seaweed import SeaweedServer, free_ports


def _store(server: SeaweedServer, **overrides: object) -> S3BlobStore:
    options: dict[str, object] = {
        "endpoint": server.endpoint,
        "region": server.region,
        "access_key_id": server.access_key_id,
        "secret_access_key": server.secret_access_key,
        "allow_http": True,
        **overrides,
    }
    bucket = str(options.pop("bucket", server.bucket))
    return S3BlobStore(bucket, **options)  # type: ignore[arg-type]


def test_prefixes_keep_deployments_apart(seaweed: SeaweedServer) -> None:
    one, two = _store(seaweed, prefix="s3-tests/one/"), _store(seaweed, prefix="/s3-tests/two")
    whole = _store(seaweed)
    one.put("tx/k", b"one")
    two.put("tx/k", b"two")
    assert (one.get("tx/k"), two.get("tx/k")) == (b"one", b"two")
    assert whole.get("s3-tests/one/tx/k") == b"one"  # the prefix is a path inside the bucket
    assert one.delete_prefix("tx") == 1
    assert two.get("tx/k") == b"two"


def test_hostile_prefix_rejected(seaweed: SeaweedServer) -> None:
    with pytest.raises(InvalidBlobKeyError):
        _store(seaweed, prefix="../other")


def test_ping_unreachable_endpoint() -> None:
    (port,) = free_ports(1)  # nothing listens there
    store = S3BlobStore(
        "bucket",
        endpoint=f"http://127.0.0.1:{port}",
        access_key_id="k",
        secret_access_key="s",
        allow_http=True,
    )
    with pytest.raises(ServiceUnavailableError):
        store.ping()
    with pytest.raises(ServiceUnavailableError):
        store.put("k", b"v")


def test_ping_missing_bucket(seaweed: SeaweedServer) -> None:
    with pytest.raises(ServiceUnavailableError):
        _store(seaweed, bucket="no-such-bucket").ping()


def test_ping_bad_credentials(seaweed: SeaweedServer) -> None:
    store = _store(seaweed, secret_access_key="wrong")
    with pytest.raises(ServiceUnavailableError):
        store.ping()
    with pytest.raises(ServiceUnavailableError):
        store.get("k")
