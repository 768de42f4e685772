"""The separate operations listener (`IDSCAN_OPS__METRICS_BIND`): `/metrics`, `/healthz` and `/readyz`
on their own address, so that the public listener need not serve metrics at all."""

from __future__ import annotations

import socket
import threading

import uvicorn
from fastapi import FastAPI

from idscan import http_errors
from idscan.container import Container
from idscan.errors import ConfigurationError
from idscan.ops import routes as ops_routes
from idscan.ops.access import MetricsAccess


def build_ops_app(container: Container) -> FastAPI:
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.state.container = container
    app.state.metrics_access = MetricsAccess.ops_listener(container.settings)
    http_errors.install(app)
    app.include_router(ops_routes.router)
    return app


class OpsListener:
    """Serves the operations app on a daemon thread with its own event loop; the socket is bound at
    construction, so an address in use fails the start at once with a clear message."""

    def __init__(self, container: Container) -> None:
        address = container.settings.ops.metrics_address
        assert address is not None
        host, port = address
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        try:
            self._socket = socket.create_server((host, port), family=family)
        except OSError as exc:
            raise ConfigurationError(
                f"IDSCAN_OPS__METRICS_BIND: cannot listen on {host}:{port} ({exc.strerror})"
            ) from exc
        self.port = self._socket.getsockname()[1]
        config = uvicorn.Config(build_ops_app(container), log_config=None, access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, name="idscan-ops", daemon=True
        )

    def start(self) -> OpsListener:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()
