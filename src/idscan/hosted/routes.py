"""The hosted page at the transaction URL, its document upload and its status."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select

from idscan.container import Container, get_container
from idscan.db import transaction
from idscan.errors import NotFoundError, PayloadTooLargeError
from idscan.hosted import i18n, service
from idscan.models import DocumentScan, Transaction

router = APIRouter(tags=["hosted pages"], include_in_schema=False)
ContainerDep = Annotated[Container, Depends(get_container)]
_templates = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=select_autoescape(["html"]),
)
_STATE_MESSAGES = {"completed": "completed", "expired": "expired", "cancelled": "cancelled"}


def _locale(path_locale: str) -> str:
    locale = i18n.PATH_LOCALES.get(path_locale.lower())
    if locale is None:
        raise NotFoundError("Unknown language.")
    return locale


def _security_headers(trx: Transaction | None) -> dict[str, str]:
    origins = " ".join(trx.allowed_origins) if trx is not None and trx.allowed_origins else "*"
    return {
        "Content-Security-Policy": (
            f"default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
            f"frame-ancestors {origins}"
        ),
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    }


def _last_attempt(c: Container, trx: Transaction) -> DocumentScan | None:
    with c.session_factory() as session:
        return session.scalars(
            select(DocumentScan)
            .where(DocumentScan.transaction_id == trx.id)
            .order_by(DocumentScan.created_at.desc())
            .limit(1)
        ).first()


@router.get("/{path_locale}/identifications/{token}", response_class=HTMLResponse)
def page(path_locale: str, token: str, c: ContainerDep) -> HTMLResponse:
    locale = _locale(path_locale)
    try:
        with c.session_factory() as session:
            trx: Transaction | None = service.resolve(session, token)
    except NotFoundError:
        trx = None
    state = "unknown" if trx is None else trx.state
    last = _last_attempt(c, trx) if trx is not None else None
    html = _templates.get_template("identification.html").render(
        lang=locale.split("-")[0],
        t=lambda key: i18n.text(key, locale),
        state=state,
        state_message=_STATE_MESSAGES.get(state, "unknown"),
        hint=i18n.hint(last.code, locale) if last is not None and last.code else None,
        upload_url=f"/{path_locale.lower()}/identifications/{token}/documents",
    )
    return HTMLResponse(html, status_code=404 if trx is None else 200, headers=_security_headers(trx))


@router.post("/{path_locale}/identifications/{token}/documents")
async def upload_document(
    request: Request,
    path_locale: str,
    token: str,
    c: ContainerDep,
    file: Annotated[UploadFile, File()],
    source: Annotated[str, Form()] = "file",
) -> Response:
    locale = _locale(path_locale)
    limit = c.settings.request_limits.max_upload_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLargeError(f"The photo is larger than {limit // (1024 * 1024)} MB.")

    def submit() -> service.Submitted:
        with transaction(c.session_factory) as session:
            trx = service.resolve(session, token)
            return service.submit_document(session, c.blobs, trx, data, source)

    submitted = await anyio.to_thread.run_sync(submit)
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"attemptId": submitted.attempt_id, "linked": submitted.linked}, status_code=202)
    # Without JavaScript: back to the page, which shows the verdict once it is in.
    return RedirectResponse(f"/{locale.lower()}/identifications/{token}", status_code=303)


@router.get("/{path_locale}/identifications/{token}/status")
def status(path_locale: str, token: str, c: ContainerDep) -> JSONResponse:
    locale = _locale(path_locale)
    with c.session_factory() as session:
        trx = service.resolve(session, token)
        body: dict[str, Any] = {
            "state": trx.state,
            "tasks": [{"type": t.type, "state": t.state} for t in trx.tasks],
            "transactionId": trx.id,
            "resultId": trx.result_id,
        }
    last = _last_attempt(c, trx)
    body["lastAttempt"] = (
        None
        if last is None
        else {
            "id": last.id,
            "code": last.code,
            "hint": i18n.hint(last.code, locale) if last.code else None,
        }
    )
    return JSONResponse(body, headers={"Cache-Control": "no-store"})
