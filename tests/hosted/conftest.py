"""The service on a real port with its embedded worker, for the browser tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from idscan.config import Settings
from tests.conftest import Caller
from tests.support.live import live_service


def _serve(
    settings: Settings, caller: Caller, receive_buffer: int | None = None, **overrides: object
) -> Iterator[tuple[str, Caller]]:
    with live_service(settings, receive_buffer=receive_buffer, **overrides) as (base, _container):
        yield base, caller


@pytest.fixture
def service(settings: Settings, caller: Caller) -> Iterator[tuple[str, Caller]]:
    yield from _serve(settings, caller)


@pytest.fixture
def test_service(settings: Settings, test_caller: Caller) -> Iterator[tuple[str, Caller]]:
    """The service, with a test-mode key of the account."""
    yield from _serve(settings, test_caller)


@pytest.fixture
def limited_service(settings: Settings, caller: Caller) -> Iterator[tuple[str, Caller]]:
    """The service with each verification link allowed one request a minute."""
    yield from _serve(settings, caller, rate_limit={"enabled": True, "per_link": "1/minute"})


GUARDED_UPLOAD_BYTES = 256 * 1024
GUARDED_RECEIVE_BUFFER = 64 * 1024


@pytest.fixture
def guarded_service(settings: Settings, caller: Caller) -> Iterator[tuple[str, Caller]]:
    """The service with small uploads (256 KiB), one request a minute per link, and a fixed 64 KiB
    kernel receive buffer per connection, so that a test can count what a client got to send."""
    yield from _serve(
        settings,
        caller,
        receive_buffer=GUARDED_RECEIVE_BUFFER,
        request_limits={"max_upload_bytes": GUARDED_UPLOAD_BYTES},
        rate_limit={"enabled": True, "per_link": "1/minute"},
    )
