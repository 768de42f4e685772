"""The two hottest routes (POST /transactions, GET /transactions/{id}) as plain ASGI.

An integrator polls and creates far more often than it does anything else, and on these two routes
FastAPI's routing and dependency solving cost about as much as the work itself. `HotRoutes` answers
them before the router; the FastAPI routes in `routes.py` stay declared (the OpenAPI document, and
every request this layer hands on). Anything out of the ordinary goes to FastAPI untouched, so the
answers stay exactly FastAPI's: a body that is not a valid `TransactionCreate` (400/422 in its
words), a mounted root path, another method.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
import pydantic
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from idscan import http_errors
from idscan.auth.dependencies import Principal, authenticate
from idscan.db import HotPath
from idscan.errors import IdscanError
from idscan.transactions import routes, schemas

PREFIX = "/id-scan/v1/transactions"
DETAIL = PREFIX + "/{transaction_id}"
_DETAIL_PATH = re.compile(re.escape(PREFIX) + r"/([^/]+)")
# The declared routes by (method, template); the router's own prefix is part of their paths.
_ROUTES: dict[tuple[str, str], BaseRoute] = {
    (method, route.path): route for route in routes.router.routes if isinstance(route, APIRoute)
    for method in route.methods or ()
}  # fmt: skip


class HotRoutes:
    """Pure ASGI, inside the request guard (body limits, metrics) and outside FastAPI's router."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("root_path"):
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        if method == "POST" and path == PREFIX:
            await self._create(scope, receive, send)
            return
        if method == "GET" and (match := _DETAIL_PATH.fullmatch(path)) is not None:
            await self._answer(scope, receive, send, "GET", DETAIL, self._read, match[1])
            return
        await self.app(scope, receive, send)

    async def _create(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            body = await _read_body(receive)
        except HTTPException as exc:  # over the body limit (RequestGuard's count)
            self._route_for(scope, "POST", PREFIX)
            await http_errors.http_error(exc)(scope, receive, send)
            return
        data = _valid_create(body)
        if data is None:
            await self.app(scope, _replay(body, receive), send)
            return
        await self._answer(scope, receive, send, "POST", PREFIX, self._write, data)

    async def _answer(
        self, scope: Scope, receive: Receive, send: Send, method: str, template: str, work: Any, arg: Any
    ) -> None:
        route = self._route_for(scope, method, template)
        try:
            state = scope["app"].state
            principal = await authenticate(state, scope, _header(scope, b"authorization"))
            response = await work(state, principal, arg)
        except IdscanError as exc:
            response = http_errors.domain_error(exc, str(getattr(route, "path", template)))
        await response(scope, receive, send)

    @staticmethod
    async def _write(state: Any, principal: Principal, data: schemas.TransactionCreate) -> Response:
        return _json(await routes.create(_hot_path(state), state.container, principal, data), 201)

    @staticmethod
    async def _read(state: Any, principal: Principal, transaction_id: str) -> Response:
        return _json(await routes.read(_hot_path(state), state.container, principal, transaction_id), 200)

    @staticmethod
    def _route_for(scope: Scope, method: str, template: str) -> BaseRoute | None:
        """The FastAPI route this request stands for, in the scope as the router would put it: the
        metrics and the access log label requests by its template."""
        route = _ROUTES.get((method, template))
        if route is not None:
            scope["route"] = route
        return route


def _hot_path(state: Any) -> HotPath:
    hot: HotPath | None = getattr(state, "hot_path", None)
    # Before the lifespan ran (a bare app in a test): a runner that works from worker threads.
    return hot if hot is not None else HotPath(state.container.engine)


def _json(model: pydantic.BaseModel, status_code: int) -> Response:
    return Response(model.model_dump_json(by_alias=True), status_code, media_type="application/json")


def _valid_create(body: bytes) -> schemas.TransactionCreate | None:
    """The body as FastAPI would take it (JSON, then the model in Python mode), or None for
    anything FastAPI must answer itself."""
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(value, dict):
        return None
    try:
        return schemas.TransactionCreate.model_validate(value)
    except pydantic.ValidationError:
        return None


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the body already read once, then waits on the connection as before."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return None
