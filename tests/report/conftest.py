"""Report fixtures: a test PKI (root, seal certificate, TSA certificate, CRL, an unrelated root),
a local RFC 3161 server on 127.0.0.1, the seal identity, and the folder for page renderings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from idscan.report.seal import SealIdentity, load_identity_pem
from idscan.report.tsa import HttpTimestampClient
from tests.report.pki import Pki, make_pki
from tests.report.tsa_server import running_tsa

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"


@pytest.fixture(scope="session")
def pki() -> Pki:
    return make_pki()


@pytest.fixture(scope="session")
def identity(pki: Pki) -> SealIdentity:
    return load_identity_pem(pki.seal.cert_pem + pki.root.cert_pem, pki.seal.key_pem)


@pytest.fixture(scope="session")
def tsa_url(pki: Pki) -> Iterator[str]:
    with running_tsa(pki) as url:
        yield url


@pytest.fixture(scope="session")
def tsa(tsa_url: str) -> Iterator[HttpTimestampClient]:
    with HttpTimestampClient(tsa_url, timeout_seconds=5) as client:
        yield client


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
