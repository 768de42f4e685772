"""create_app(settings): the HTTP composition root."""

from __future__ import annotations

import logging
import re
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from idscan import __version__, http_errors
from idscan.auth.dependencies import Authenticator
from idscan.auth.tokens import TokenPolicy
from idscan.bootstrap import build_container
from idscan.branding import routes as branding_routes
from idscan.branding import schemas as branding_schemas
from idscan.config import Settings
from idscan.console import admin_routes as console_admin_routes
from idscan.console import oidc_routes as console_oidc_routes
from idscan.console import routes as console_routes
from idscan.console import transaction_routes as console_transaction_routes
from idscan.console import web as console_web
from idscan.container import Container
from idscan.db import HotPath
from idscan.hosted import embed_routes, uploads
from idscan.hosted import routes as hosted_routes
from idscan.hosted import testmode_routes as hosted_testmode_routes
from idscan.jobs import JobRuntime, Queue, QueueLimits
from idscan.ops import openapi as ops_openapi
from idscan.ops import routes as ops_routes
from idscan.ops.access import MetricsAccess
from idscan.ops.middleware import BodyRule, RequestGuard
from idscan.ops.ratelimit import RateLimiter
from idscan.pipeline import tasks as _pipeline_tasks  # noqa: F401
from idscan.report import routes as report_routes
from idscan.report import tasks as _report_tasks  # noqa: F401
from idscan.results import routes as result_routes
from idscan.testmode import routes as testmode_routes
from idscan.transactions import routes as transaction_routes
from idscan.transactions import service as transaction_service

# Registering job handlers is an import side effect; keep these imports here, at the root.
from idscan.transactions import tasks as _transaction_tasks  # noqa: F401
from idscan.transactions.hot_routes import HotRoutes
from idscan.webhooks import routes as webhook_routes
from idscan.webhooks import service as webhook_service
from idscan.webhooks import tasks as _webhook_tasks  # noqa: F401

log = logging.getLogger(__name__)
API_PREFIX = "/id-scan/v1"
MULTIPART = ("multipart/form-data",)
FORM_HINT = "Send the form as multipart/form-data."


def build_runtime(container: Container, executor_id: str) -> JobRuntime:
    settings = container.settings
    limits = settings.jobs
    return JobRuntime(
        session_factory=container.session_factory,
        context=container,
        executor_id=executor_id,
        queues={
            Queue.PIPELINE: QueueLimits(limits.worker_concurrency),
            Queue.DELIVERIES: QueueLimits(
                limits.delivery_concurrency, limits.delivery_concurrency_per_webhook
            ),
            Queue.MAINTENANCE: QueueLimits(limits.maintenance_concurrency),
        },
        poll_interval_seconds=limits.poll_interval_seconds,
        heartbeat_seconds=limits.heartbeat_seconds,
        max_attempts=limits.max_attempts,
        periodic={
            transaction_service.SWEEP_JOB: float(limits.sweep_interval_seconds),
            webhook_service.RESCHEDULE_JOB: float(limits.sweep_interval_seconds),
        },
    )


def default_executor_id(settings: Settings, *, embedded: bool) -> str:
    return settings.worker_id or ("embedded" if embedded else socket.gethostname())


def body_rules(settings: Settings) -> list[BodyRule]:
    """Request body limits beyond the default (the JSON limit): JSON on the API, and the hosted
    page's two uploads (their files plus the multipart overhead)."""
    upload = settings.request_limits.max_upload_bytes
    frames = settings.vision.max_liveness_frames
    paths = hosted_routes.UPLOAD_PATHS
    return [
        # A logo is larger than the other JSON bodies: this one path takes it (branding/schemas.py).
        BodyRule(
            re.compile(re.escape(API_PREFIX) + "/branding"),
            max(settings.request_limits.max_json_bytes, branding_schemas.MAX_BODY_BYTES),
            ("application/json", "+json"),
            "Send the body as application/json.",
        ),
        BodyRule(
            re.compile(re.escape(API_PREFIX) + "(/.*)?"),
            settings.request_limits.max_json_bytes,
            ("application/json", "+json"),
            "Send the body as application/json.",
        ),
        BodyRule(re.compile(paths["documents"]), uploads.body_limit(upload, 2), MULTIPART, FORM_HINT),
        BodyRule(re.compile(paths["frames"]), uploads.body_limit(upload, frames + 1), MULTIPART, FORM_HINT),
    ]


def _route(app: FastAPI, settings: Settings) -> None:
    """Every router and static mount, in matching order (the API before the pages' catch-alls)."""
    app.include_router(transaction_routes.router)
    app.include_router(webhook_routes.router)
    app.include_router(result_routes.router)
    app.include_router(report_routes.router)
    app.include_router(branding_routes.router)
    app.include_router(testmode_routes.router)
    app.include_router(hosted_routes.router)
    app.include_router(hosted_testmode_routes.router)
    app.include_router(embed_routes.router)
    app.mount("/static/idscan", StaticFiles(directory=hosted_routes.STATIC_DIR), name="static")
    app.include_router(ops_routes.router)
    if settings.console.enabled:
        app.include_router(console_routes.router)
        app.include_router(console_transaction_routes.router)
        app.include_router(console_admin_routes.router)
        app.include_router(console_oidc_routes.router)
        static = StaticFiles(directory=console_web.STATIC_DIR)
        app.mount(console_web.STATIC_PREFIX, static, name="console-static")
        app.add_middleware(console_web.SecurityHeaders)


def create_app(
    settings: Settings, *, container: Container | None = None, run_jobs: bool | None = None
) -> FastAPI:
    container = container or build_container(settings)
    run_jobs = settings.jobs.embedded_worker if run_jobs is None else run_jobs

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The hot routes' database runner, bound to this event loop (its asyncio pool cannot move).
        hot = HotPath.open(container.engine, pool_size=settings.database.pool_size)
        app.state.hot_path = hot
        runtime = None
        if run_jobs:
            runtime = build_runtime(container, default_executor_id(settings, embedded=True))
            await anyio.to_thread.run_sync(runtime.start)
        try:
            yield
        finally:
            if app.state.rate_limiter is not None:
                await app.state.rate_limiter.close()
            await app.state.console_limiter.close()
            if runtime is not None:
                await anyio.to_thread.run_sync(runtime.stop)
            # Its own runner: a lifespan may overlap another of the same app (a test's).
            if getattr(app.state, "hot_path", None) is hot:
                app.state.hot_path = None
            await hot.aclose()

    app = FastAPI(
        title="idscan",
        version=__version__,
        summary="Self-hosted identity verification, compatible with the ID Scan API.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs" if settings.serves_api_docs else None,
        redoc_url=None,
        lifespan=lifespan,
        # The service has its own metrics (/metrics) and sends nothing elsewhere; FastAPI's native
        # OpenTelemetry hooks would otherwise ask on every request whether a provider was configured.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    documented = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = ops_openapi.refine(documented())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.state.container = container
    app.state.metrics_access = MetricsAccess.main_listener(settings)
    app.state.authenticator = Authenticator(
        container.session_factory,
        container.keyring,
        TokenPolicy(
            leeway_seconds=settings.auth.leeway_seconds,
            max_lifetime_seconds=settings.auth.max_token_lifetime_seconds,
        ),
        cache_seconds=settings.auth.credential_cache_seconds,
    )
    limits = settings.rate_limit
    app.state.rate_limiter = (
        RateLimiter({"credential": limits.per_credential, "link": limits.per_link}, limits.redis_url)
        if limits.enabled
        else None
    )
    # Console sign-in is always limited (per address and per email), whatever `rate_limit.enabled`.
    app.state.console_limiter = RateLimiter({"login": settings.console.login_limit}, limits.redis_url)
    http_errors.install(app)
    console_web.install(app)
    _route(app, settings)
    # Inside the guard (body limits, metrics), before FastAPI's router.
    app.add_middleware(HotRoutes)
    app.add_middleware(
        RequestGuard,
        metrics=container.metrics,
        rules=body_rules(settings),
        default_limit=settings.request_limits.max_json_bytes,
    )
    return app
