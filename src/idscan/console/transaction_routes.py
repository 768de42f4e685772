"""The transaction list and page, their files, and the actions on them (each audited)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from idscan import pagination
from idscan.console import audit, detail, notes, search, web
from idscan.console.users import Role
from idscan.console.web import Admin, ContainerDep, Reviewer, Viewer
from idscan.db import transaction
from idscan.documents.codes import AttemptCode
from idscan.errors import ValidationError
from idscan.report import service as reports
from idscan.report.model import ReportKind
from idscan.storage.blobstore import BlobNotFoundError
from idscan.transactions import service as transactions
from idscan.transactions.states import TaskType, TransactionState
from idscan.webhooks import dispatch

router = APIRouter(prefix=web.PREFIX, include_in_schema=False)


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get("/transactions")
def list_transactions(
    request: Request,
    c: ContainerDep,
    operator: Viewer,
    state: str | None = None,
    account: str | None = None,
    mode: str | None = None,
    from_: Annotated[str | None, Query(alias="from")] = None,
    to: str | None = None,
    task: str | None = None,
    code: str | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    cursor: Annotated[str | None, Query(pattern=pagination.CURSOR_PATTERN)] = None,
) -> Response:
    filters = search.Filters(
        state=state or None, account=account or None, mode=mode or None, created_from=_date(from_),
        created_to=_date(to), task=task or None, code=code or None, q=(q or "").strip() or None,
    )  # fmt: skip
    with transaction(c.session_factory) as session:
        found = search.search(session, c.keyring, filters, cursor=cursor)
        accounts = search.account_names(session)
        if filters.q and not search.UUID.match(filters.q):
            audit.record(session, operator.actor, "search_document_number", hits=len(found.rows))
    next_url = None
    if found.next_cursor:
        next_url = f"{web.PREFIX}/transactions?" + urlencode(
            {**filters.query_string(), "cursor": found.next_cursor}
        )
    return web.render(
        request, "transactions.html", operator, page=found, filters=filters, accounts=accounts,
        states=[s.value for s in TransactionState], tasks=[t.value for t in TaskType],
        codes=[code.value for code in AttemptCode], next_url=next_url,
    )  # fmt: skip


@router.get("/transactions/{transaction_id}")
def show_transaction(request: Request, c: ContainerDep, operator: Viewer, transaction_id: str) -> Response:
    with transaction(c.session_factory) as session:
        shown = detail.view(session, c.keyring, transaction_id, web.locale_of(request))
        # Reading a verification's personal data is itself an action worth a line in the log.
        audit.record(session, operator.actor, "view_transaction", transaction_id)
        flash = request.query_params.get("done")
        return web.render(
            request,
            "transaction.html",
            operator,
            v=shown,
            images=operator.may(Role.REVIEWER),
            flash=flash if flash in FLASHES else None,
        )


FLASHES = ("erased", "noted", "note_empty", "resent")


@router.get("/transactions/{transaction_id}/files/{source}/{file_type}")
def transaction_file(
    c: ContainerDep, operator: Reviewer, transaction_id: str, source: str, file_type: str
) -> Response:
    """A redacted image (reviewers and admins only: a viewer gets 403 before anything is read)."""
    with transaction(c.session_factory) as session:
        trx = detail.get(session, transaction_id)
        item = detail.file_entry(session, trx, source, file_type)
        audit.record(session, operator.actor, "view_image", transaction_id, file=file_type)
    try:
        data = c.blobs.get(str(item["key"]))
    except BlobNotFoundError:
        return Response(status_code=410)
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, no-store"})


@router.get("/transactions/{transaction_id}/report")
def transaction_report(
    c: ContainerDep,
    operator: Reviewer,
    transaction_id: str,
    kind: Annotated[ReportKind, Query(alias="type")] = ReportKind.SIMPLE,
) -> Response:
    with transaction(c.session_factory) as session:
        trx = detail.get(session, transaction_id)
        prepared = reports.prepare(
            session, c.keyring, c.blobs, trx.account_id, trx.id, trx.result_id or "", kind
        )
        audit.record(session, operator.actor, "download_report", transaction_id, type=kind.value)
    pdf = reports.produce(prepared, c.blobs, c.seal)
    return Response(
        pdf,
        media_type=reports.MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="idscan-{transaction_id}-{kind.value}.pdf"'},
    )


def _back(transaction_id: str, flash: str) -> RedirectResponse:
    return RedirectResponse(f"{web.PREFIX}/transactions/{transaction_id}?done={flash}", status_code=303)


@router.post("/transactions/{transaction_id}/erase")
def erase_transaction(
    request: Request,
    c: ContainerDep,
    operator: Admin,
    transaction_id: str,
    reason: Annotated[str, Form(max_length=500)] = "",
    confirm: Annotated[str, Form(max_length=100)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Cancel (when pending) and erase, through the API's own use case; a reason and the typed
    confirmation are required."""
    web.check_csrf(operator, csrf, c)
    if not reason.strip() or confirm.strip().lower() != transaction_id[:8].lower():
        with c.session_factory() as session:
            shown = detail.view(session, c.keyring, transaction_id, web.locale_of(request))
            return web.render(
                request,
                "transaction.html",
                operator,
                status_code=422,
                v=shown,
                images=operator.may(Role.REVIEWER),
                erase_error=True,
            )
    with transaction(c.session_factory) as session:
        trx = detail.get(session, transaction_id)
        state = trx.state
        transactions.erase(session, trx.account_id, trx.id)
        audit.record(
            session, operator.actor, "erase", transaction_id, reason=reason.strip(), state_before=state
        )
    return _back(transaction_id, "erased")


@router.post("/transactions/{transaction_id}/notes")
def add_note(
    request: Request,
    c: ContainerDep,
    operator: Reviewer,
    transaction_id: str,
    body: Annotated[str, Form(max_length=notes.MAX_LENGTH + 100)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    web.check_csrf(operator, csrf, c)
    try:
        with transaction(c.session_factory) as session:
            detail.get(session, transaction_id)
            note = notes.add(session, transaction_id, operator.email, body)
            audit.record(session, operator.actor, "add_note", transaction_id, note=note.id)
    except ValidationError:
        return _back(transaction_id, "note_empty")
    return _back(transaction_id, "noted")


@router.post("/transactions/{transaction_id}/deliveries/{delivery_id}/resend")
def resend_delivery(
    c: ContainerDep,
    operator: Admin,
    transaction_id: str,
    delivery_id: str,
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """One more attempt now, through the API's retry path (same event body and ID)."""
    web.check_csrf(operator, csrf, c)
    with transaction(c.session_factory) as session:
        trx = detail.get(session, transaction_id)
        detail.delivery_of(session, trx, delivery_id)
        audit.record(session, operator.actor, "resend_delivery", transaction_id, delivery=delivery_id)
    dispatch.send(c, delivery_id, why=dispatch.Send.RETRY)
    return _back(transaction_id, "resent")
