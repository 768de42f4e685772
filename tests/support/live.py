"""The service on a real port (with its embedded job worker unless asked not to), for browser and
end-to-end tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from idscan.app import create_app
from idscan.bootstrap import build_container
from idscan.config import Settings
from idscan.container import Container
from tests.conftest import make_settings
from tests.support.browser import free_port, serving


@contextmanager
def live_service(
    settings: Settings, *, run_jobs: bool = True, receive_buffer: int | None = None, **overrides: object
) -> Iterator[tuple[str, Container]]:
    """On the test's database and data directory; yields the base URL and the service's container.
    `run_jobs=False`: no job worker (the test runs the pipeline steps itself)."""
    port = free_port()
    if run_jobs:
        overrides = {"jobs": {"embedded_worker": True, "poll_interval_seconds": 0.1}, **overrides}
    live = make_settings(
        settings.data_dir,
        settings.database_url,
        port=port,
        public_base_url=f"http://127.0.0.1:{port}",
        **overrides,
    )
    container = build_container(live)
    try:
        app = create_app(live, container=container, run_jobs=run_jobs)
        with serving(app, port, receive_buffer=receive_buffer) as base:
            yield base, container
    finally:
        container.close()
