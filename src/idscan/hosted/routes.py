"""The hosted page at the transaction URL: document upload, status (polled or streamed), QR hand-off."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

import anyio.to_thread
import segno
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from idscan.branding import service as branding
from idscan.branding.look import NEUTRAL, Look
from idscan.container import Container, get_container
from idscan.db import transaction
from idscan.documents.codes import AttemptCode
from idscan.errors import GoneError, NotFoundError, Problem, ValidationError
from idscan.hosted import i18n, liveness, service, uploads
from idscan.hosted.i18n import reason_hint
from idscan.lib import urls
from idscan.lib.clock import iso
from idscan.models import DocumentScan, LivenessSession, Transaction
from idscan.pipeline.frames import UploadedFrame
from idscan.testmode.outcomes import DOCUMENT_OUTCOMES, FACE_OUTCOMES, Outcome
from idscan.transactions.policy import CaptureSource, policy_of
from idscan.transactions.states import TaskState, TaskType, TransactionState

router = APIRouter(tags=["hosted pages"], include_in_schema=False)
ContainerDep = Annotated[Container, Depends(get_container)]
STATIC_DIR = Path(__file__).with_name("static")
_templates = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=select_autoescape(["html"]),
)
_STATE_MESSAGES = {"completed": "completed", "expired": "expired", "cancelled": "cancelled"}
STREAM_SECONDS = 15 * 60
STREAM_POLL_SECONDS = 1.0


def _locale(path_locale: str) -> str:
    locale = i18n.PATH_LOCALES.get(path_locale.lower())
    if locale is None:
        raise NotFoundError("Unknown language.")
    return locale


async def _limited(request: Request, path_locale: str, token: str) -> None:
    """What a link sends is limited per link: each photo wakes the document engine."""
    limiter = request.app.state.rate_limiter
    if limiter is not None:
        # The link is a bearer secret: a shared limiter store (Redis) gets only its digest.
        key = hashlib.blake2b(token.encode(), digest_size=16).hexdigest()
        await limiter.hit("link", key, i18n.text("too_many", _locale(path_locale)))


Limited = Depends(_limited)


def _origins(trx: Transaction | None) -> list[str] | None:
    """The transaction's allowed origins that are strict origins (validated at creation; checked
    again here, as nothing else may reach a header or the page): None allows any."""
    if trx is None or not trx.allowed_origins:
        return None
    return [o for o in trx.allowed_origins if urls.is_origin(o)]


def _security_headers(trx: Transaction | None) -> dict[str, str]:
    allowed = _origins(trx)
    origins = "*" if allowed is None else " ".join(allowed) or "'none'"
    return {
        "Content-Security-Policy": (
            "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
            f"media-src 'self' blob:; frame-ancestors {origins}"
        ),
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
        "Permissions-Policy": "camera=(self)",
    }


def _is_phone(request: Request) -> bool:
    agent = request.headers.get("user-agent", "")
    return "Mobi" in agent or "Android" in agent or request.query_params.get("device") == "phone"


def _step(trx: Transaction) -> str:
    """What the end user has to do now: document, liveness, wait for the comparison, or nothing."""
    if trx.state != TransactionState.PENDING:
        return "done"
    for task_type, step in ((TaskType.DOCUMENT_SCAN, "document"), (TaskType.FACE_LIVENESS, "liveness")):
        task = trx.task(task_type)
        if task is not None and task.state == TaskState.PENDING:
            return step
    return "waiting"


def _snapshot(c: Container, token: str, locale: str, phone: bool) -> dict[str, Any]:
    with c.session_factory() as session:
        return _snapshot_of(session, service.resolve(session, token), locale, phone)


def _snapshot_of(session: Session, trx: Transaction, locale: str, phone: bool) -> dict[str, Any]:
    """What the page needs to know now: states, the verdict on the last attempt, where to go."""
    last = session.scalars(
        select(DocumentScan)
        .where(DocumentScan.transaction_id == trx.id)
        .order_by(DocumentScan.created_at.desc())
        .limit(1)
    ).first()
    live = session.scalars(
        select(LivenessSession)
        .where(LivenessSession.transaction_id == trx.id, LivenessSession.submitted_at.is_not(None))
        .order_by(LivenessSession.submitted_at.desc())
        .limit(1)
    ).first()
    return {
        "state": trx.state,
        "step": _step(trx),
        "transactionId": trx.id,
        "resultId": trx.result_id,
        "tasks": [{"type": t.type, "state": t.state} for t in trx.tasks],
        "liveness": None
        if live is None
        else {
            "processing": live.processed_at is None,
            "passed": live.passed,
            "hints": [reason_hint(code, locale) for code in live.reasons],
        },
        "lastAttempt": None
        if last is None
        else {
            "id": last.id,
            "code": last.code,
            "hint": i18n.hint(last.code, locale) if last.code else None,
        },
        "redirectUrl": service.completion_url(trx.scan_return_url if phone else trx.return_url, trx),
    }


KINDS = ("passport", "id_card", "driving_licence")
_STEP_KEYS = ((TaskType.DOCUMENT_SCAN, "document"), (TaskType.FACE_LIVENESS, "liveness"))
_STEP_LABELS = {"document": "step_document", "liveness": "step_selfie", "done": "step_done"}


def _steps(trx: Transaction, step: str) -> list[dict[str, str]]:
    """The stepper: one step per task the end user does, then "done"; each done, current or todo."""
    keys = [key for task_type, key in _STEP_KEYS if trx.task(task_type) is not None] + ["done"]
    current = keys.index(step) if step in keys else len(keys) - 1
    finished = trx.state == TransactionState.COMPLETED
    return [
        {
            "key": key,
            "label": _STEP_LABELS[key],
            "status": "done" if i < current or finished else "current" if i == current else "todo",
        }
        for i, key in enumerate(keys)
    ]


def _render(
    locale: str,
    *,
    state: str,
    state_message: str,
    look: Look = NEUTRAL,
    trx: Transaction | None = None,
    snapshot: dict[str, Any] | None = None,
    config: dict[str, Any] | None = None,
    phone: bool = False,
    upload_url: str = "",
) -> str:
    last = snapshot["lastAttempt"] if snapshot else None
    policy = policy_of(trx) if trx is not None else None
    step = snapshot["step"] if snapshot else "done"
    return _templates.get_template("identification.html").render(
        lang=locale.split("-", maxsplit=1)[0],
        t=lambda key: i18n.text(key, locale),
        state=state,
        state_message=state_message,
        hint=last["hint"] if last else None,
        back_side=bool(last and last["code"] == AttemptCode.FRONT_SIDE_PROVIDED_BACK_SIDE_REQUIRED),
        upload_url=upload_url,
        config=json.dumps(config or {}).replace("</", "<\\/"),
        mobile_only=bool(config and config["mobileOnly"] and not phone),
        phone=phone,
        allow_file=policy is not None and CaptureSource.FILE in policy.capture_sources,
        allow_camera=policy is not None and CaptureSource.CAMERA in policy.capture_sources,
        step=step,
        steps=_steps(trx, step) if trx is not None and state in ("pending", "completed") else [],
        kinds=KINDS,
        look=look,
        logo_uri=look.logo_data_uri(),
        test_outcomes=_test_outcomes(trx, step) if trx is not None and state == "pending" else [],
    )


def _test_outcomes(trx: Transaction, step: str) -> list[tuple[str, list[str]]]:
    """The test-mode buttons of a test transaction's page: those of the step it is at (the page
    reloads after each, so they follow the steps)."""
    if not trx.test:
        return []
    groups = []
    if step == "document":
        groups.append(("test_document_group", [o.value for o in DOCUMENT_OUTCOMES]))
    if step == "liveness":
        outcomes = [
            o for o in FACE_OUTCOMES if TaskType.FACE_MATCH in trx.task_types or o != Outcome.FACE_MISMATCH
        ]
        groups.append(("test_face_group", [o.value for o in outcomes]))
    return groups


@router.get("/{path_locale}/identifications/{token}", response_class=HTMLResponse)
def page(request: Request, path_locale: str, token: str, c: ContainerDep) -> HTMLResponse:
    locale = _locale(path_locale)
    phone = _is_phone(request)
    with c.session_factory() as session:
        try:
            trx: Transaction | None = service.resolve(session, token)
        except NotFoundError:
            trx = None
        snapshot = _snapshot_of(session, trx, locale, phone) if trx is not None else None
        look = branding.look_of(session, trx.account_id) if trx is not None else NEUTRAL
    state = "unknown" if snapshot is None else str(snapshot["state"])
    base = f"/{path_locale.lower()}/identifications/{token}"
    config = {
        "locale": locale,
        "base": base,
        "phone": phone,
        "mobileOnly": bool(trx and trx.mobile_only),
        "allowedOrigins": _origins(trx),
        "maxUploadBytes": c.settings.request_limits.max_upload_bytes,
        "state": snapshot,
        "texts": {key: i18n.text(key, locale) for key in i18n.SCRIPT_KEYS},
    }
    html = _render(
        locale,
        state=state,
        state_message=_STATE_MESSAGES.get(state, "unknown"),
        look=look,
        trx=trx,
        snapshot=snapshot,
        config=config,
        phone=phone,
        upload_url=f"{base}/documents",
    )
    return HTMLResponse(html, status_code=404 if trx is None else 200, headers=_security_headers(trx))


# The two routes that take a body read it themselves (no File()/Form() parameters, which would make
# FastAPI spool the whole form first): after the rate limit and the link check, part by part.
UPLOAD_PATHS = {
    "documents": r"/[^/]+/identifications/[^/]+/documents",
    "frames": r"/[^/]+/identifications/[^/]+/liveness/[^/]+/frames",
}


def _open_link(c: Container, token: str) -> None:
    """An unknown link is 404 and a closed one 410, before a byte of the body is read."""
    with c.session_factory() as session:
        service.require_pending(service.resolve(session, token))


@router.post("/{path_locale}/identifications/{token}/documents", dependencies=[Limited])
async def upload_document(request: Request, path_locale: str, token: str, c: ContainerDep) -> Response:
    """The photo of the document (`file`) and how it was taken (`source`: camera or file)."""
    locale = _locale(path_locale)
    await anyio.to_thread.run_sync(_open_link, c, token)
    limit = c.settings.request_limits.max_upload_bytes
    form = await uploads.read_form(
        request,
        uploads.FormSpec(
            files={"file": 1},
            texts=frozenset({"source"}),
            max_file_bytes=limit,
            too_large=f"The photo is larger than {limit // (1024 * 1024)} MB.",
        ),
    )
    if "file" not in form.files:
        raise ValidationError([Problem("file", "Send the photo in the field file.")])
    data, source = form.files["file"][0], form.texts.get("source", "file")

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
def status(request: Request, path_locale: str, token: str, c: ContainerDep) -> JSONResponse:
    snapshot = _snapshot(c, token, _locale(path_locale), _is_phone(request))
    return JSONResponse(snapshot, headers={"Cache-Control": "no-store"})


@router.get("/{path_locale}/identifications/{token}/events")
async def events(request: Request, path_locale: str, token: str, c: ContainerDep) -> StreamingResponse:
    """Server-sent events: a `status` event whenever the snapshot changes, until the end."""
    locale, phone = _locale(path_locale), _is_phone(request)
    first = await anyio.to_thread.run_sync(_snapshot, c, token, locale, phone)

    async def stream() -> AsyncIterator[str]:
        snapshot, previous = first, None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STREAM_SECONDS
        while loop.time() < deadline and not await request.is_disconnected():
            if snapshot != previous:
                yield f"event: status\ndata: {json.dumps(snapshot)}\n\n"
                previous = snapshot
                if snapshot["state"] != TransactionState.PENDING:
                    return
            await asyncio.sleep(STREAM_POLL_SECONDS)
            snapshot = await anyio.to_thread.run_sync(_snapshot, c, token, locale, phone)

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.post("/{path_locale}/identifications/{token}/liveness", dependencies=[Limited])
def start_liveness(path_locale: str, token: str, c: ContainerDep) -> JSONResponse:
    """The challenge plan the page must follow (the open one, or a new one)."""
    _locale(path_locale)
    with transaction(c.session_factory) as session:
        trx = service.resolve(session, token)
        plan = liveness.start(session, trx)
    return JSONResponse(plan.to_client(), headers={"Cache-Control": "no-store"})


@router.post("/{path_locale}/identifications/{token}/liveness/{nonce}/frames", dependencies=[Limited])
async def submit_liveness(
    request: Request, path_locale: str, token: str, nonce: str, c: ContainerDep
) -> JSONResponse:
    """The captured frames (`frames`, JPEG) with their capture times (`timestamps`, a JSON list of
    milliseconds); the server decides from them."""
    _locale(path_locale)
    await anyio.to_thread.run_sync(_open_link, c, token)
    max_frames = c.settings.vision.max_liveness_frames
    form = await uploads.read_form(
        request,
        uploads.FormSpec(
            files={"frames": max_frames},
            texts=frozenset({"timestamps"}),
            max_file_bytes=c.settings.request_limits.max_upload_bytes,
            too_large="The capture is too large.",
        ),
    )
    frames = form.files.get("frames", [])
    if not frames:
        raise ValidationError([Problem("frames", f"Send between 1 and {max_frames} frames.")])
    if "timestamps" not in form.texts:
        raise ValidationError([Problem("timestamps", "Send the capture times in timestamps.")])
    stamps = uploads.capture_times(form.texts["timestamps"], len(frames))
    uploaded = [UploadedFrame(stamp, data) for stamp, data in zip(stamps, frames, strict=True)]

    def submit() -> str:
        with transaction(c.session_factory) as session:
            trx = service.resolve(session, token)
            return liveness.submit(session, c.blobs, trx, nonce, uploaded, max_frames)

    session_id = await anyio.to_thread.run_sync(submit)
    return JSONResponse({"sessionId": session_id}, status_code=202)


@router.post("/{path_locale}/identifications/{token}/handoff", dependencies=[Limited])
def create_handoff(request: Request, path_locale: str, token: str, c: ContainerDep) -> JSONResponse:
    """A QR code with a fresh single-use link for the phone."""
    locale = _locale(path_locale)
    with transaction(c.session_factory) as session:
        trx = service.resolve(session, token)
        handoff = service.create_handoff(session, trx, token)
        expires = iso(handoff.expires_at)
    url = f"{c.settings.effective_public_base_url}/{locale.lower()}/handoffs/{handoff.token}"
    qr = segno.make(url, error="m").svg_data_uri(scale=6, border=2)
    return JSONResponse({"url": url, "qr": qr, "expires": expires}, headers={"Cache-Control": "no-store"})


@router.get("/{path_locale}/handoffs/{handoff_token}")
def redeem_handoff(path_locale: str, handoff_token: str, c: ContainerDep) -> Response:
    locale = _locale(path_locale)
    try:
        with transaction(c.session_factory) as session:
            token = service.redeem_handoff(session, handoff_token)
    except (NotFoundError, GoneError) as exc:
        used = isinstance(exc, GoneError)
        html = _render(locale, state="unknown", state_message="handoff_used" if used else "unknown")
        return HTMLResponse(html, status_code=410 if used else 404, headers=_security_headers(None))
    return RedirectResponse(f"/{locale.lower()}/identifications/{token}?device=phone", status_code=303)
